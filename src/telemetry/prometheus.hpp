#pragma once
// Prometheus text exposition (format 0.0.4) of the counter registry, for /metrics.
#include <string>
#include <string_view>

#include "config/static_config.hpp"
#include "telemetry/counters.hpp"

namespace sy::telemetry {

/// Every counter family, with HELP and TYPE lines, in a stable order. Names follow Traefik's where Traefik has the
/// metric (traefik_entrypoint_*, traefik_config_*); TCP families Traefik lacks (#7575) use traefik_tcp_router_* and
/// traefik_tcp_service_*, and connection outcomes use switchyard_*. `opts` drops the entrypoint, router or service families
/// as Traefik's addEntryPointsLabels / addRoutersLabels / addServicesLabels do.
std::string render_prometheus(const registry& counters, const config::prometheus_config& opts);

/// Escapes a label value: backslash, double quote and newline.
std::string escape_label_value(std::string_view v);

}  // namespace sy::telemetry
