// Routers: entrypoints, rule, TLS, service and middlewares resolved; every problem recorded on the router, in the
// order Traefik checks them (pkg/config/runtime/runtime_tcp.go, pkg/server/router/tcp/manager.go). Where Traefik
// stops at the first critical error, we go on and report them all: the user fixes everything in one pass.
#include "runtime/build_steps.hpp"

#include <algorithm>
#include <limits>

#include "base/concat.hpp"
#include "rules/rule.hpp"

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
            add_warning(info, "entryPoint " + quoted(ep) + " doesn't exist");  // Traefik's exact message
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

void check_tls(const aggregator::merged_config& merged, router_info& info) {
    const auto& tls = info.config.tls;
    if (!tls) return;
    if (!tls->options.empty() && tls->options != default_tls_options && !merged.config.tls.options.count(tls->options))
        add_error(info, "unknown TLS options: " + tls->options);  // Traefik's tls manager message
    if (!tls->passthrough)
        add_error(info, "TLS termination is not supported yet: set tls.passthrough=true to forward the TLS "
                        "connection to the service untouched");
    if (!tls->cert_resolver.empty() || !tls->domains.empty())
        add_warning(info, "tls.certResolver and tls.domains are ignored with passthrough: the service holds the "
                          "certificate");
}

}  // namespace

built_routers build_routers(const config::static_config& statics, const aggregator::merged_config& merged,
                            built_services& services, built_middlewares& middlewares,
                            telemetry::registry& counters) {
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
        check_tls(merged, info);

        std::shared_ptr<const service_plan> service;
        if (!r.service.empty()) {
            auto si = services.infos.find(r.service);
            if (si == services.infos.end()) {
                add_error(info, "the service " + quoted(r.service) + " does not exist");
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
                add_error(info, "middleware " + quoted(m) + " does not exist");
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
                rt.passthrough = rt.tls;
                rt.service = service;
                rt.counters = &counters.router(name);
                // A middleware instance per (router, entrypoint), as Traefik builds one handler chain per router
                // per entrypoint: inFlightConn counts are not shared between routers or entrypoints.
                for (const auto* m : chain) {
                    auto copy = std::make_shared<middleware_plan>(*m);
                    if (copy->type == middleware_plan::kind::in_flight_conn)
                        copy->in_flight = std::make_shared<in_flight_table>();
                    rt.middlewares.push_back(std::move(copy));
                }
                placed.entry_points = {ep};
                out.routes.push_back(std::move(placed));
            }
        }
        out.infos.emplace(name, std::move(info));
    }
    for (auto& [n, s] : services.infos) std::sort(s.used_by.begin(), s.used_by.end());
    for (auto& [n, m] : middlewares.infos) std::sort(m.used_by.begin(), m.used_by.end());
    return out;
}

}  // namespace sy::runtime::detail
