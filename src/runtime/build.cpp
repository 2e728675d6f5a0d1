// The runtime builder: merged configuration in, immutable snapshot out (Traefik's runtime.NewConfig +
// routerfactory + tcp manager, as one pure function).
#include "runtime/build.hpp"

#include "runtime/build_steps.hpp"

namespace sy::runtime {

std::shared_ptr<const snapshot> build(const config::static_config& statics, const aggregator::merged_config& merged,
                                      telemetry::registry& counters, uint64_t generation) {
    auto snap = std::make_shared<snapshot>();
    snap->generation = generation;
    snap->built_at = std::chrono::system_clock::now();
    snap->merged = merged.config;

    auto middlewares = detail::build_middlewares(merged);
    auto services = detail::build_services(merged, counters);
    auto routers = detail::build_routers(statics, merged, services, middlewares, counters);
    snap->entry_points = detail::build_tables(statics, std::move(routers.routes));

    snap->routers = std::move(routers.infos);
    snap->services = std::move(services.infos);
    snap->middlewares = std::move(middlewares.infos);
    return snap;
}

}  // namespace sy::runtime
