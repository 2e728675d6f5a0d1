// Routers: entrypoints, rule, TLS, service and middlewares resolved; every problem recorded on the router, in the
// order Traefik checks them (pkg/config/runtime/runtime_tcp.go, pkg/server/router/tcp/manager.go). Where Traefik
// stops at the first critical error, we go on and report them all: the user fixes everything in one pass.
#include "runtime/build_steps.hpp"

#include <algorithm>
#include <limits>

#include "base/concat.hpp"
#include "base/text.hpp"
#include "rules/rule.hpp"
#include "runtime/suggest.hpp"

namespace sy::runtime::detail {

namespace {

// Traefik's maxUserPriority (pkg/server/router/tcp/manager.go): math.MaxInt - 1000.
constexpr int64_t max_user_priority = std::numeric_limits<int64_t>::max() - 1000;
constexpr std::string_view default_tls_options = "default";

std::string quoted(std::string_view s) { return concat("\"", s, "\""); }

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> resolve_entry_points(const config::static_config& statics, router_info& info,
                                              const std::vector<std::string>& api_only) {
    if (info.config.entry_points.empty()) info.config.entry_points = default_entry_points(statics);
    std::vector<std::string> valid;
    for (const auto& ep : info.config.entry_points) {
        if (!statics.entry_points.count(ep)) {
            // Traefik's exact message, then a hint naming the closest entrypoint that routes TCP.
            std::vector<std::string> routable;
            for (const auto& [name, _] : statics.entry_points)
                if (!contains(api_only, name)) routable.push_back(name);
            add_warning(info, "entryPoint " + quoted(ep) + " doesn't exist" + did_you_mean(ep, routable));
        } else if (contains(api_only, ep)) {
            // Traefik would put an HTTP and a TCP muxer on one port; here the API owns that listener.
            add_warning(info, "entryPoint " + quoted(ep) + " serves the API, ping or metrics: no TCP routing there");
        } else if (!contains(valid, ep)) {
            valid.push_back(ep);
        }
    }
    if (valid.empty()) add_error(info, "no valid entryPoint for this router");
    std::sort(valid.begin(), valid.end());
    return valid;
}

std::shared_ptr<const rules::compiled_rule> compile_rule(const config::static_config& statics, router_info& info) {
    const auto& r = info.config;
    if (r.rule.empty()) {
        add_error(info, "router has no rule");
        return nullptr;
    }
    auto fallback = rules::syntax_from_string(statics.default_rule_syntax);
    auto compiled = rules::compile(r.rule, rules::syntax_from_string(r.rule_syntax, fallback));
    if (!compiled) {
        add_error(info, "invalid rule: " + quoted(r.rule) + " , " + compiled.error().to_string());
        return nullptr;
    }
    if ((*compiled)->uses_sni_hosts && !r.tls) {
        // Traefik: `invalid rule: %q , has HostSNI matcher, but no TLS on router`; ours says why and what to do.
        add_error(info, "invalid rule: " + quoted(r.rule) + " , " + rules::non_tls_host_sni_error());
        return nullptr;
    }
    return *compiled;
}

/// The TLS side of a router: passthrough needs nothing; termination needs its options built (tls/setup.hpp).
/// Returns the options a terminating router uses, null for passthrough, plain TCP or an error.
std::shared_ptr<const tls::server_side> check_tls(const aggregator::merged_config& merged, const tls::setup& tls,
                                                  router_info& info) {
    const auto& t = info.config.tls;
    if (!t) return nullptr;
    const std::string options = t->options.empty() ? std::string(default_tls_options) : t->options;
    if (options != default_tls_options && !merged.config.tls.options.count(options)) {
        add_error(info, "unknown TLS options: " + options +
                            did_you_mean_qualified(options, keys_of(merged.config.tls.options)));  // Traefik's message
        return nullptr;
    }
    if (t->passthrough) {
        if (!t->cert_resolver.empty() || !t->domains.empty())
            add_warning(info, "tls.certResolver and tls.domains are ignored with passthrough: the service holds the "
                              "certificate");
        return nullptr;
    }
    if (!t->cert_resolver.empty())
        add_warning(info, "tls.certResolver " + quoted(t->cert_resolver) +
                              ": Switchyard has no ACME client; certificates come from tls.certificates, "
                              "tls.stores.default.defaultCertificate or an acme.json (tls.acmeJSON)");
    if (auto e = tls.option_errors.find(options); e != tls.option_errors.end()) {
        for (const auto& m : e->second) add_error(info, "TLS options " + quoted(options) + ": " + m);
        return nullptr;
    }
    if (auto w = tls.option_warnings.find(options); w != tls.option_warnings.end())
        for (const auto& m : w->second) add_warning(info, m);
    for (const auto& p : tls.default_problems) add_warning(info, p);
    // Difference from Traefik, where tls.domains only tell a certResolver what to obtain (and are otherwise
    // ignored): with no ACME client here they say which names the router expects to serve, so one without a
    // certificate of its own is warned about rather than found by a client's certificate error.
    if (tls.store)
        for (const auto& d : t->domains) {
            std::vector<std::string> names{d.main};
            names.insert(names.end(), d.sans.begin(), d.sans.end());
            for (const auto& n : names)
                if (!n.empty() && !tls.store->find(n))
                    add_warning(info, "tls.domains: no certificate for " + quoted(n) +
                                          ": clients asking for it get the default certificate");
        }
    auto side = tls.options.find(options);
    if (side == tls.options.end()) {
        add_error(info, "TLS options " + quoted(options) + " could not be made");
        return nullptr;
    }
    return side->second;
}

/// A non-TLS router on a STARTTLS entrypoint: on SMTP it is the relay-first route (port 25, phase_relay_first.cpp);
/// on IMAP, POP3 and ManageSieve nothing ever reaches it, since those entrypoints route only the ClientHello that
/// follows STARTTLS. Said, rather than left to look enabled and never match.
void check_starttls_entry_points(const config::static_config& statics, router_info& info) {
    if (info.config.tls) return;
    for (const auto& ep : info.using_entry_points) {
        auto it = statics.entry_points.find(ep);
        if (it == statics.entry_points.end() || !it->second.starttls) continue;
        const auto& protocol = it->second.starttls->protocol;
        if (iequals(protocol, "smtp")) continue;
        add_warning(info, "entryPoint " + quoted(ep) + " speaks " + protocol +
                              " with STARTTLS and routes only the TLS session that follows it: this router without "
                              "tls is never used there (set tls.passthrough=true to route by the SNI after STARTTLS)");
    }
}

}  // namespace

built_routers build_routers(const config::static_config& statics, const aggregator::merged_config& merged,
                            const tls::setup& tls, built_services& services, built_middlewares& middlewares,
                            telemetry::registry& counters, live_state& live) {
    built_routers out;
    const auto api_only = api_entry_points(statics);
    for (const auto& [name, r] : merged.config.routers) {
        router_info info;
        info.name = name;
        info.provider = std::string(name.substr(name.rfind('@') + 1));
        info.config = r;
        attach_findings(info, config::element_finding::kind::router, merged.findings);

        info.using_entry_points = resolve_entry_points(statics, info, api_only);
        if (r.service.empty()) add_error(info, "the service is missing on the router");
        auto rule = compile_rule(statics, info);

        info.priority = r.priority != 0 ? r.priority : rules::default_priority(r.rule);
        info.config.priority = info.priority;  // Traefik v3 writes the computed priority back: the API shows it
        if (r.priority > max_user_priority)
            add_error(info, "the router priority " + std::to_string(r.priority) +
                                " exceeds the max user-defined priority " + std::to_string(max_user_priority));
        auto terminate = check_tls(merged, tls, info);
        check_starttls_entry_points(statics, info);

        std::shared_ptr<const service_plan> service;
        if (!r.service.empty()) {
            auto si = services.infos.find(r.service);
            if (si == services.infos.end()) {
                add_error(info, "the service " + quoted(r.service) + " does not exist" +
                                    did_you_mean_qualified(r.service, keys_of(services.infos)));
            } else {
                si->second.used_by.push_back(name);
                if (auto p = services.plans.find(r.service); p != services.plans.end()) {
                    service = p->second;
                } else {
                    for (const auto& e : si->second.errors)
                        add_error(info, "service " + quoted(r.service) + ": " + e);
                    if (si->second.errors.empty()) add_error(info, "the service " + quoted(r.service) + " is disabled");
                }
            }
        }

        std::vector<const middleware_plan*> chain;
        for (const auto& m : r.middlewares) {
            auto mi = middlewares.infos.find(m);
            if (mi == middlewares.infos.end()) {
                add_error(info, "middleware " + quoted(m) + " does not exist" +
                                    did_you_mean_qualified(m, keys_of(middlewares.infos)));
                continue;
            }
            if (!contains(mi->second.used_by, name)) mi->second.used_by.push_back(name);
            auto p = middlewares.plans.find(m);
            if (p == middlewares.plans.end()) {
                for (const auto& e : mi->second.errors) add_error(info, "middleware " + quoted(m) + ": " + e);
                continue;
            }
            chain.push_back(&p->second);
        }

        if (info.state != status::disabled && rule && service) {
            for (const auto& ep : info.using_entry_points) {
                built_routers::placed_route placed;
                route& rt = placed.r;
                rt.router = name;
                rt.rule = rule;
                rt.priority = info.priority;
                rt.tls = r.tls.has_value();
                rt.terminate = terminate;
                rt.passthrough = rt.tls && !terminate;
                rt.service = service;
                rt.counters = counters.router(name);
                // A middleware instance per (router, entrypoint), as Traefik builds one handler chain per router
                // per entrypoint: inFlightConn counts are not shared between routers or entrypoints. The counts
                // live outside the snapshot (live_state) and survive the reload.
                for (const auto* m : chain) {
                    auto copy = std::make_shared<middleware_plan>(*m);
                    if (copy->type == middleware_plan::kind::in_flight_conn)
                        copy->in_flight = live.in_flight(m->name, name, ep);
                    rt.middlewares.push_back(std::move(copy));
                }
                placed.entry_points = {ep};
                out.routes.push_back(std::move(placed));
            }
        }
        if (auto written = merged.services_as_written.find(name); written != merged.services_as_written.end())
            info.config.service = written->second;
        out.infos.emplace(name, std::move(info));
    }
    for (auto& [n, s] : services.infos) std::sort(s.used_by.begin(), s.used_by.end());
    for (auto& [n, m] : middlewares.infos) std::sort(m.used_by.begin(), m.used_by.end());
    return out;
}

}  // namespace sy::runtime::detail
