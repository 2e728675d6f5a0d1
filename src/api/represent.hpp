#pragma once
// Traefik's API JSON for Switchyard's runtime snapshot: every field name the API shows is spelled in represent.cpp
// and nowhere else. Shapes follow pkg/api (handler_tcp.go, handler_overview.go, handler_entrypoint.go) of Traefik
// v3.7: `omitempty` fields are left out when empty, `tls.passthrough` is always present.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "config/static_config.hpp"
#include "runtime/snapshot.hpp"

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
nlohmann::json represent_version(const std::string& version, const std::string& start_date_rfc3339);
/// `{"message": ...}`, the body of every API error.
nlohmann::json represent_error(const std::string& message);

}  // namespace sy::api
