#pragma once
// The path table of the API entrypoint, as a pure function from request to response: the server only moves bytes,
// so every endpoint is testable without a socket.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bans/ban_sources.hpp"
#include "config/static_config.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/counters.hpp"
#include "telemetry/history.hpp"

namespace sy::api {

struct http_request {
    std::string method;  ///< "GET", "HEAD", ...
    std::string target;  ///< as sent: "/api/tcp/routers?page=2"
};

struct http_response {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  ///< besides Content-Type and Content-Length
};

/// What one listener serves: api.insecure (API and, unless api.dashboard=false, the dashboard), ping, metrics.
struct endpoints {
    bool api = false;
    bool dashboard = false;
    bool ping = false;
    bool metrics = false;
};

struct route_context {
    const config::static_config* statics = nullptr;
    std::shared_ptr<const runtime::snapshot> snapshot;  ///< null until the first configuration is built
    const telemetry::registry* counters = nullptr;
    bool shutting_down = false;
    std::string version;     ///< "0.1.0"
    std::string start_date;  ///< RFC 3339, for /api/version
    endpoints serve;
    const telemetry::traffic_history* history = nullptr;  ///< for /api/switchyard/activity; null: no samples
    std::shared_ptr<const bans::ban_list_version> bans;    ///< for /api/switchyard/bans; null: no ban list (yet)
};

http_response handle(const http_request& req, const route_context& ctx);

/// The statics' entry points plus the implicit `traefik` one (":8080") Traefik adds when the API, ping or metrics
/// use it and the configuration does not define it.
std::map<std::string, config::entry_point> api_entry_points(const config::static_config& statics);

/// RFC 3339 in UTC with seconds ("2026-11-25T11:45:47Z").
std::string rfc3339_utc(std::chrono::system_clock::time_point t);

}  // namespace sy::api
