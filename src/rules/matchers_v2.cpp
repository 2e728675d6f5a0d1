// The v2 matchers (Traefik v3.7 pkg/muxer/tcp/matcher_v2.go, the same as v2.10's): several arguments each
// (alternatives), HostSNIRegexp takes gorilla/mux host templates.
#include <algorithm>

#include "base/text.hpp"
#include "rules/host_name.hpp"
#include "rules/matcher.hpp"
#include "rules/matcher_support.hpp"

namespace sy::rules {

result<leaf_matcher> compile_v2(std::string_view name, const expr& call) {
    if (auto ok = check_arguments(call, name); !ok) return ok.error();
    leaf_matcher leaf;
    leaf.pos = call.pos;
    leaf.text = render_call(name, call.args);

    if (name == "HostSNI") {
        leaf.kind = matcher_kind::host_sni;
        std::vector<std::string> hosts;
        for (size_t i = 0; i < call.args.size(); ++i) {
            const std::string& h = call.args[i];
            if (h != "*" && !valid_host_v2(h))
                return leaf_error(call, i, "invalid host name \"" + h + "\" in HostSNI (v2 syntax: letters, digits, "
                                           "'_', '.', '-', ':'; no wildcard)");
            hosts.push_back(h == "*" ? h : ascii_lower(h));
        }
        leaf.any_host = std::all_of(hosts.begin(), hosts.end(), [](const std::string& h) { return h == "*"; });
        leaf.test = [hosts](const conn_facts& f) {
            // Only a leading `*` matches a connection without SNI: HostSNI(`foo`, `*`) does not (Traefik's test).
            if (hosts.front() == "*") return true;
            if (f.sni.empty()) return false;
            for (std::string_view h : hosts) {
                if (h == "*" || h == f.sni) return true;
                if (h.ends_with('.')) h.remove_suffix(1);
                if (h == f.sni) return true;
            }
            return false;
        };
        return leaf;
    }
    if (name == "HostSNIRegexp") {
        leaf.kind = matcher_kind::host_sni_regexp;
        std::vector<regexp> res;
        for (size_t i = 0; i < call.args.size(); ++i) {
            const template_regexp t = template_to_regexp(call.args[i]);
            if (!t.error.empty())
                return leaf_error(call, i, "invalid HostSNIRegexp template \"" + call.args[i] + "\": " + t.error);
            auto re = regexp::compile(t.pattern);
            if (!re) return leaf_error(call, i, "invalid regexp in HostSNIRegexp: " + re.error().what);
            res.push_back(*re);
        }
        // Templates compile to (?i)^...$: anchored and case-insensitive, unlike v3's plain regexps.
        leaf.test = [res](const conn_facts& f) {
            return std::any_of(res.begin(), res.end(), [&](const regexp& r) { return r.search(f.sni); });
        };
        return leaf;
    }
    if (name == "ClientIP") {
        leaf.kind = matcher_kind::client_ip;
        std::vector<cidr> ranges;
        for (size_t i = 0; i < call.args.size(); ++i) {
            auto range = parse_client_ip(call.args[i]);
            if (!range) return leaf_error(call, i, "invalid ClientIP: " + range.error().what);
            ranges.push_back(*range);
        }
        leaf.test = [ranges](const conn_facts& f) { return contains_ip(ranges, f.client_ip); };
        return leaf;
    }
    // ALPN
    leaf.kind = matcher_kind::alpn;
    for (size_t i = 0; i < call.args.size(); ++i)
        if (call.args[i] == "acme-tls/1")
            return leaf_error(call, i, "ALPN(`acme-tls/1`) is not allowed (reserved for ACME TLS-ALPN challenges)");
    leaf.test = [protos = call.args](const conn_facts& f) {
        return std::any_of(f.alpn.begin(), f.alpn.end(), [&](const std::string& p) {
            return std::find(protos.begin(), protos.end(), p) != protos.end();
        });
    };
    return leaf;
}

}  // namespace sy::rules
