// Qualifying and merging provider configurations (Traefik's pkg/server/aggregator.go mergeConfiguration and
// pkg/server/provider GetQualifiedName): definitions become `name@provider`; references without `@` get the
// provider of the element that refers to them, references with `@` are kept as written.
#include <string>
#include <string_view>

#include "aggregator/aggregator.hpp"
#include "aggregator/qualify.hpp"

namespace sy::aggregator {

std::string qualify(std::string_view name, std::string_view provider) {
    if (name.empty() || name.find('@') != std::string_view::npos) return std::string(name);
    std::string out;
    out.reserve(name.size() + 1 + provider.size());
    out.append(name).append("@").append(provider);
    return out;
}

namespace {

constexpr std::string_view default_tls_options = "default";

config::tcp_router qualify_router(config::tcp_router r, std::string_view provider) {
    r.service = qualify(r.service, provider);
    for (auto& m : r.middlewares) m = qualify(m, provider);
    // "default" TLS options are shared by every provider and never qualified (Traefik: same exception).
    if (r.tls && !r.tls->options.empty() && r.tls->options != default_tls_options)
        r.tls->options = qualify(r.tls->options, provider);
    return r;
}

config::tcp_service qualify_service(config::tcp_service s, std::string_view provider) {
    if (s.load_balancer) s.load_balancer->servers_transport = qualify(s.load_balancer->servers_transport, provider);
    if (s.weighted)
        for (auto& child : s.weighted->services) child.name = qualify(child.name, provider);
    return s;
}

void merge_one(const config::provider_message& msg, merged_config& out) {
    const std::string& p = msg.provider;
    const auto& in = msg.config;
    for (const auto& [name, r] : in.routers) out.config.routers.emplace(qualify(name, p), qualify_router(r, p));
    for (const auto& [name, s] : in.services) out.config.services.emplace(qualify(name, p), qualify_service(s, p));
    for (const auto& [name, m] : in.middlewares) out.config.middlewares.emplace(qualify(name, p), m);
    for (const auto& [name, t] : in.servers_transports) out.config.servers_transports.emplace(qualify(name, p), t);
    for (const auto& [name, o] : in.tls.options) {
        // Several providers may define "default": the first (in provider-name order) wins. Traefik instead drops
        // them all and logs a conflict; TLS options only matter for termination, which is not supported yet.
        out.config.tls.options.emplace(name == default_tls_options ? name : qualify(name, p), o);
    }
    out.config.tls.certificates.insert(out.config.tls.certificates.end(), in.tls.certificates.begin(),
                                       in.tls.certificates.end());
    for (auto f : msg.findings) {
        if (f.element != config::element_finding::kind::other) f.name = qualify(f.name, p);
        out.findings.push_back(std::move(f));
    }
}

}  // namespace

merged_config merge(const std::map<std::string, config::provider_message>& latest) {
    merged_config out;
    // The map key is the provider name; a message's own `provider` field is trusted to match it.
    for (const auto& [provider, msg] : latest) merge_one(msg, out);
    return out;
}

}  // namespace sy::aggregator
