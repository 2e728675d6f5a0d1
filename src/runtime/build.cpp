// The runtime builder: merged configuration in, immutable snapshot out (Traefik's runtime.NewConfig +
// routerfactory + tcp manager, as one pure function).
#include "runtime/build.hpp"

#include "runtime/build_steps.hpp"

namespace sy::runtime {

std::shared_ptr<const snapshot> build(const config::static_config& statics, const aggregator::merged_config& merged,
                                      telemetry::registry& counters, uint64_t generation, live_state* live) {
    live_state fresh;
    if (!live) live = &fresh;
    auto snap = std::make_shared<snapshot>();
    snap->generation = generation;
    snap->built_at = std::chrono::system_clock::now();
    snap->merged = merged.config;
    snap->docker_gateways = make_docker_gateways(merged.docker_gateways);

    tls::setup_needs needs;
    for (const auto& [name, r] : merged.config.routers) needs.terminating |= r.tls && !r.tls->passthrough;
    for (const auto& [name, s] : merged.config.services)
        if (s.load_balancer)
            for (const auto& server : s.load_balancer->servers) needs.backend_tls |= server.tls;
    snap->tls = tls::build_setup(merged.config, statics.acme_json, needs, snap->built_at);
    auto middlewares = detail::build_middlewares(merged);
    auto services = detail::build_services(merged, *snap->tls, counters, *live);
    auto routers = detail::build_routers(statics, merged, *snap->tls, services, middlewares, counters, *live);
    snap->service_count = services.indexes;
    snap->entry_points = detail::build_tables(statics, std::move(routers.routes));
    snap->probes = detail::probe_targets(snap->entry_points);

    snap->routers = std::move(routers.infos);
    snap->services = std::move(services.infos);
    snap->middlewares = std::move(middlewares.infos);
    return snap;
}

}  // namespace sy::runtime
