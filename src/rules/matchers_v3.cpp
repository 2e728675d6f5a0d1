// The v3 matchers (Traefik v3.7 pkg/muxer/tcp/matcher.go): exactly one argument each.
#include <algorithm>

#include "base/text.hpp"
#include "rules/host_name.hpp"
#include "rules/matcher.hpp"
#include "rules/matcher_support.hpp"

namespace sy::rules {
namespace {

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

result<leaf_matcher> compile_v3(std::string_view name, const expr& call) {
    if (auto ok = check_arguments(call, name); !ok) return ok.error();
    if (call.args.size() != 1)
        return leaf_error(call, 1,
                          std::string(name) + " takes 1 argument in the v3 rule syntax, got " +
                              std::to_string(call.args.size()) + " (write " + std::string(name) + "(`a`) || " +
                              std::string(name) + "(`b`), or set ruleSyntax to v2)");
    const std::string& value = call.args[0];
    leaf_matcher leaf;
    leaf.pos = call.pos;
    leaf.text = render_call(name, call.args);

    if (name == "HostSNI") {
        leaf.kind = matcher_kind::host_sni;
        if (value == "*") {
            // The catch-all also matches connections without SNI, and plain TCP (Traefik: "catchAll for non-TLS").
            leaf.any_host = true;
            leaf.test = [](const conn_facts&) { return true; };
            return leaf;
        }
        if (!valid_host_v3(value)) {
            std::string why = is_ascii(value) ? "" : " (non-ASCII names must be written in punycode: xn--...)";
            return leaf_error(call, 0, "invalid host name \"" + value + "\" in HostSNI" + why);
        }
        std::string host = value;
        if (host.ends_with('.')) host.pop_back();  // a fully qualified name matches the SNI without its dot
        leaf.test = [host](const conn_facts& f) { return !f.sni.empty() && host_matches(f.sni, host); };
        return leaf;
    }
    if (name == "HostSNIRegexp") {
        leaf.kind = matcher_kind::host_sni_regexp;
        if (!is_ascii(value)) return leaf_error(call, 0, "non-ASCII character in HostSNIRegexp \"" + value + "\"");
        auto re = regexp::compile(value);
        if (!re) return leaf_error(call, 0, "invalid regexp in HostSNIRegexp: " + re.error().what);
        // Unanchored, as Go's MatchString: `example\.com` also matches "www.example.com.evil.org". Traefik quirk kept.
        leaf.test = [re = *re](const conn_facts& f) { return re.search(f.sni); };
        return leaf;
    }
    if (name == "ClientIP") {
        leaf.kind = matcher_kind::client_ip;
        auto range = parse_client_ip(value);
        if (!range) return leaf_error(call, 0, "invalid ClientIP: " + range.error().what);
        leaf.test = [ranges = std::vector<cidr>{*range}](const conn_facts& f) {
            return contains_ip(ranges, f.client_ip);
        };
        return leaf;
    }
    // ALPN
    leaf.kind = matcher_kind::alpn;
    if (value == "acme-tls/1")
        return leaf_error(call, 0, "ALPN(`acme-tls/1`) is not allowed (reserved for ACME TLS-ALPN challenges)");
    leaf.test = [value](const conn_facts& f) { return std::find(f.alpn.begin(), f.alpn.end(), value) != f.alpn.end(); };
    return leaf;
}

}  // namespace sy::rules
