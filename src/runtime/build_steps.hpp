#pragma once
// The runtime builder's steps, in the order build() runs them: middlewares and services first (they do not depend
// on routers), then routers (which resolve both), then the per-entrypoint tables. Internal to runtime/.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aggregator/aggregator.hpp"
#include "config/static_config.hpp"
#include "runtime/snapshot.hpp"
#include "tls/setup.hpp"
#include "telemetry/counters.hpp"

namespace sy::runtime::detail {

/// Error → disabled; warning → warning unless already disabled (Traefik's AddError(err, critical)).
template <class Info>
void add_error(Info& info, std::string message) {
    info.errors.push_back(std::move(message));
    info.state = status::disabled;
}
template <class Info>
void add_warning(Info& info, std::string message) {
    info.errors.push_back(std::move(message));
    if (info.state == status::enabled) info.state = status::warning;
}

/// A provider's findings attached to the element they name.
template <class Info>
void attach_findings(Info& info, config::element_finding::kind kind,
                     const std::vector<config::element_finding>& findings) {
    for (const auto& f : findings) {
        if (f.element != kind || f.name != info.name) continue;
        if (f.is_error)
            add_error(info, f.message);
        else
            add_warning(info, f.message);
    }
}

struct built_middlewares {
    std::map<std::string, middleware_info> infos;
    /// Only for middlewares that are not disabled. The in-flight table is left empty: each route gets its own.
    std::map<std::string, middleware_plan> plans;
};
built_middlewares build_middlewares(const aggregator::merged_config& merged);

struct built_services {
    std::map<std::string, service_info> infos;
    /// Only for services that are not disabled.
    std::map<std::string, std::shared_ptr<const service_plan>> plans;
    /// service_plan indexes handed out (every plan, weighted children included, has its own balancer cursor).
    uint32_t indexes = 0;
};
built_services build_services(const aggregator::merged_config& merged, const tls::setup& tls,
                              telemetry::registry& counters, live_state& live);
/// The active checks of the services `tables` route to, one per key.
std::vector<probe_target> probe_targets(const std::map<std::string, entry_point_table>& tables);

struct built_routers {
    std::map<std::string, router_info> infos;
    /// Routes of routers that are not disabled, with the entrypoints they go to.
    struct placed_route {
        route r;
        std::vector<std::string> entry_points;
    };
    std::vector<placed_route> routes;
};
built_routers build_routers(const config::static_config& statics, const aggregator::merged_config& merged,
                            const tls::setup& tls, built_services& services, built_middlewares& middlewares, telemetry::registry& counters,
                            live_state& live);

/// Entrypoints that serve Switchyard's own API, ping or metrics and nothing else: they get no routing table.
std::vector<std::string> api_entry_points(const config::static_config& statics);

/// The default entrypoints of a router that names none (Traefik v3 §2.6).
std::vector<std::string> default_entry_points(const config::static_config& statics);

std::map<std::string, entry_point_table> build_tables(const config::static_config& statics,
                                                      std::vector<built_routers::placed_route> routes);

}  // namespace sy::runtime::detail
