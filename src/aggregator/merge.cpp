// Qualifying and merging provider configurations (Traefik's pkg/server/aggregator.go mergeConfiguration and
// pkg/server/provider GetQualifiedName): definitions become `name@provider`; references without `@` get the
// provider of the element that refers to them, references with `@` are kept as written. A definition's own name is
// always qualified, so a name with `@` is an error on that element and no provider can take another's names.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "aggregator/aggregator.hpp"
#include "aggregator/qualify.hpp"

namespace sy::aggregator {

std::string qualify(std::string_view name, std::string_view provider) {
    if (name.empty() || name.find('@') != std::string_view::npos) return std::string(name);
    return qualify_definition(name, provider);
}

std::string qualify_definition(std::string_view name, std::string_view provider) {
    std::string out;
    out.reserve(name.size() + 1 + provider.size());
    out.append(name).append("@").append(provider);
    return out;
}

namespace {

using kind = config::element_finding::kind;
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

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Difference from Traefik, which keeps such a name as `backend@file@docker`: an element only a reference spelled
// that way reaches, which reads like the file's in logs and lists. Refused, so nobody mistakes one for the other.
constexpr std::string_view at_refused =
    "a name cannot contain '@', which only a reference uses to name another provider's element; rename it";

/// Places every provider's definitions under qualified names. Each qualified name remembers the provider that
/// placed it, so a second definition of it is a conflict reported on that element rather than silently dropped.
class merger {
public:
    explicit merger(merged_config& out) : out_(out) {}

    void add(const std::string& key, const config::provider_message& msg) {
        const std::string& p = msg.provider;
        const auto& in = msg.config;
        for (const auto& [name, r] : in.routers) {
            const auto q = place(out_.config.routers, kind::router, "router", name, key, p, qualify_router(r, p));
            if (q && !r.service.empty() && r.service.find('@') == std::string::npos)
                out_.services_as_written.emplace(*q, r.service);
        }
        for (const auto& [name, s] : in.services)
            place(out_.config.services, kind::service, "service", name, key, p, qualify_service(s, p));
        for (const auto& [name, m] : in.middlewares)
            place(out_.config.middlewares, kind::middleware, "middleware", name, key, p, m);
        for (const auto& [name, t] : in.servers_transports) place_other("serversTransport", name, key, p, t);
        for (const auto& [name, o] : in.tls.options) {
            if (name == default_tls_options) {
                // Several providers may define "default": the first (in provider-name order) is used, and the others
                // are reported. Traefik drops them all (deliberate difference: one provider's mistake does not undo
                // another's).
                auto [it, placed] = out_.config.tls.options.emplace(name, o);
                (void)it;
                if (placed)
                    default_tls_by_ = key;
                else
                    out_.conflicts.push_back("TLS options \"default\" are defined by more than one provider (" +
                                             default_tls_by_ + ", " + key + "): " + default_tls_by_ + "'s are used");
                continue;
            }
            place_other("TLS options", name, key, p, o);
        }
        // Store names are not qualified in Traefik either: there is one `default` store, whoever defines it.
        for (const auto& [name, st] : in.tls.stores) out_.config.tls.stores.emplace(name, st);
        out_.config.tls.certificates.insert(out_.config.tls.certificates.end(), in.tls.certificates.begin(),
                                            in.tls.certificates.end());
        out_.docker_gateways.insert(msg.docker_gateways.begin(), msg.docker_gateways.end());
        for (auto f : msg.findings) {
            // The element's own name: a finding about `backend@file` from docker is about `backend@file@docker`.
            if (f.element != kind::other) f.name = qualify_definition(f.name, p);
            out_.findings.push_back(std::move(f));
        }
    }

private:
    /// Puts `value` at `name@provider`; returns that name when this definition is the one placed there.
    template <class Map, class T>
    std::optional<std::string> place(Map& into, kind k, const char* what, const std::string& name,
                                     const std::string& key, const std::string& provider, T value) {
        std::string q = qualify_definition(name, provider);
        if (name.find('@') != std::string::npos)
            out_.findings.push_back({k, q, true, std::string(what) + " " + quoted(name) + ": " + std::string(at_refused)});
        auto [owner, first] = owners_.emplace(std::pair{k, q}, key);
        if (!first) {
            out_.findings.push_back({k, q, true,
                                     std::string(what) + " " + quoted(q) + " is defined by more than one provider (" +
                                         owner->second + ", " + key + "): neither is used"});
            return std::nullopt;
        }
        into.emplace(q, std::move(value));
        return q;
    }

    /// Transports and TLS options have no status of their own to carry an error: a refused one is left out (a
    /// service naming it says it does not exist) and the reason goes to `conflicts`.
    template <class T>
    void place_other(const char* what, const std::string& name, const std::string& key, const std::string& provider,
                     const T& value) {
        auto& into = [&]() -> std::map<std::string, T>& {
            if constexpr (std::is_same_v<T, config::tcp_servers_transport>)
                return out_.config.servers_transports;
            else
                return out_.config.tls.options;
        }();
        if (name.find('@') != std::string::npos) {
            out_.conflicts.push_back(std::string(what) + " " + quoted(name) + " (" + provider + "): " +
                                     std::string(at_refused));
            return;
        }
        std::string q = qualify_definition(name, provider);
        auto [owner, first] = other_owners_.emplace(std::string(what) + "\x1f" + q, key);
        if (!first) {
            out_.conflicts.push_back(std::string(what) + " " + quoted(q) + " is defined by more than one provider (" +
                                     owner->second + ", " + key + "): " + owner->second + "'s are used");
            return;
        }
        into.emplace(std::move(q), value);
    }

    merged_config& out_;
    std::map<std::pair<kind, std::string>, std::string> owners_;
    std::map<std::string, std::string> other_owners_;
    std::string default_tls_by_;
};

}  // namespace

merged_config merge(const std::map<std::string, config::provider_message>& latest) {
    merged_config out;
    merger m(out);
    // The map key names the provider in conflicts; the message's own `provider` field qualifies its names.
    for (const auto& [key, msg] : latest) m.add(key, msg);
    return out;
}

}  // namespace sy::aggregator
