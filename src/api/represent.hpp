#pragma once
// Traefik's API JSON for Switchyard's runtime snapshot: every field name the API shows is spelled in represent.cpp
// and nowhere else. Shapes follow pkg/api (handler_tcp.go, handler_overview.go, handler_entrypoint.go) of Traefik
// v3.7: `omitempty` fields are left out when empty, `tls.passthrough` is always present.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "bans/ban_sources.hpp"
#include "config/static_config.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/history.hpp"
#include "telemetry/recent_refusals.hpp"

namespace sy::api {

/// "enabled", "warning", "disabled".
const char* status_text(runtime::status s);

/// `/api/tcp/routers[/{name}]` element: the router config + status, error, using, name, provider, priorityStr.
nlohmann::json represent_router(const runtime::router_info& r);
/// `/api/tcp/services[/{name}]` element: loadBalancer or weighted + status, error, usedBy, serverStatus, name,
/// provider, type.
nlohmann::json represent_service(const runtime::service_info& s);
/// `/api/tcp/middlewares[/{name}]` element.
nlohmann::json represent_middleware(const runtime::middleware_info& m);
/// `/api/entrypoints[/{name}]` element: the static entry point with Go duration strings, + name.
nlohmann::json represent_entry_point(const std::string& name, const config::entry_point& ep);

struct overview_features {
    bool metrics_prometheus = false;
    bool access_log = false;
};
/// `/api/overview`. `snap` may be null (no configuration yet): every count is zero.
nlohmann::json represent_overview(const runtime::snapshot* snap, const config::static_config& statics);
/// `/api/rawdata`: maps keyed by name, without the name/provider/type representation fields.
nlohmann::json represent_rawdata(const runtime::snapshot* snap);
/// `/api/version`.
/// Every certificate of the configuration (Traefik's /api/certificates, with Switchyard's `source`, `status` and
/// `error`: a certificate that did not load is listed with why, naming its file).
nlohmann::json represent_certificates(const runtime::snapshot* snap);

nlohmann::json represent_version(const std::string& version, const std::string& start_date_rfc3339);
/// `/api/switchyard/activity` (Switchyard only, for the dashboard): the sampled history of open connections and
/// cumulative bytes per router, service and server (`times` in unix seconds; a series shorter than `times` is
/// aligned to its end), and the recent refusals, newest first.
/// Switchyard only: the ban list in force (banList.filename): counts, not the addresses.
nlohmann::json represent_bans(const bans::ban_list_version* bans, bans::unix_seconds now);

nlohmann::json represent_activity(const telemetry::traffic_history* history,
                                  const std::vector<telemetry::refusal>& refusals);

/// `{"message": ...}`, the body of every API error.
nlohmann::json represent_error(const std::string& message);

}  // namespace sy::api
