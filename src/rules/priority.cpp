// Rule-level facts that do not need a compiled rule: default priority, syntax names, the non-TLS HostSNI error.
#include "rules/expression.hpp"
#include "rules/rule.hpp"

namespace sy::rules {

syntax syntax_from_string(std::string_view s, syntax fallback) {
    if (s.empty()) return fallback;
    return s == "v2" ? syntax::v2 : syntax::v3;  // Traefik: `switch syntax { case "v2": ...; default: v3 }`
}

int64_t default_priority(std::string_view rule) {
    // GetRulePriority (pkg/muxer/tcp/mux.go): parsed with HostSNI as the only matcher; a single HostSNI(`*`) leaf is
    // -1. Traefik pushes '!' into the leaf and ignores it here, so !HostSNI(`*`) is -1 too (it never matches anyway).
    const auto len = static_cast<int64_t>(rule.size());
    auto parsed = parse_expression(rule);
    if (!parsed) return len;
    const expr* e = &*parsed;
    while (e->k == expr::kind::negation) e = &e->operands.front();
    constexpr std::string_view host_sni[] = {"HostSNI"};
    if (e->k == expr::kind::call && resolve_name(e->name, host_sni) && e->args.size() == 1 && e->args[0] == "*")
        return -1;
    return len;
}

std::string non_tls_host_sni_error() {
    return "rule matches a host name with HostSNI (or HostSNIRegexp), but the router has no TLS: plain TCP carries "
           "no server name, so such a router could never match (hint: add tls (e.g. tls.passthrough=true) to the "
           "router, or use HostSNI(`*`) to route every connection of the entry point)";
}

}  // namespace sy::rules
