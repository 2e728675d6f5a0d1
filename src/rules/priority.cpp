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

namespace sy::rules {
namespace {

// Traefik v3.7's providerNames (pkg/config/static/static_config.go), the default providers.precedence.
constexpr std::string_view provider_precedence[] = {
    "kubernetesgateway", "kubernetescrd", "kubernetes", "kubernetesingressnginx", "swarm", "docker", "file", "redis",
    "knative", "consul", "consulcatalog", "nomad", "etcd", "ecs", "http", "zookeeper", "rest"};

size_t provider_rank(std::string_view name) {
    const auto at = name.rfind('@');
    const std::string_view provider = at == std::string_view::npos ? std::string_view{} : name.substr(at + 1);
    for (size_t i = 0; i < std::size(provider_precedence); ++i)
        if (provider == provider_precedence[i]) return i;
    return std::size(provider_precedence);  // unknown providers rank after the known ones
}

}  // namespace

bool ranks_before(const route_rank& a, const route_rank& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    const size_t pa = provider_rank(a.name), pb = provider_rank(b.name);
    if (pa != pb) return pa < pb;
    return a.name < b.name;
}

}  // namespace sy::rules
