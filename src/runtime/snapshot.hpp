#pragma once
// The immutable routing snapshot: built once per configuration change by runtime::build, published by pointer to
// every forwarder worker and to the API, never modified after build returns (the only mutable parts are the
// balancer cursor and the in-flight table, which are the middleware/balancer state Traefik also keeps per build).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/address.hpp"
#include "base/duration.hpp"
#include "config/dynamic_config.hpp"
#include "config/static_config.hpp"
#include "rules/rule.hpp"
#include "telemetry/counters.hpp"

namespace sy::runtime {

enum class status { enabled, warning, disabled };
const char* to_string(status s);  ///< "enabled", "warning", "disabled" (Traefik's API strings)

/// What the API shows for a router (Traefik's runtime.TCPRouterInfo).
struct router_info {
    std::string name;      ///< qualified: smtp@docker
    std::string provider;  ///< docker
    config::tcp_router config;  ///< service and middlewares qualified
    status state = status::enabled;
    std::vector<std::string> errors;      ///< errors and warnings, in the order found
    std::vector<std::string> using_entry_points;
    int64_t priority = 0;  ///< effective priority
};

struct service_info {
    std::string name;
    std::string provider;
    config::tcp_service config;
    status state = status::enabled;
    std::vector<std::string> errors;
    std::vector<std::string> used_by;  ///< routers, sorted
    std::map<std::string, std::string> server_status;  ///< address → "UP" (no health checks yet)
};

struct middleware_info {
    std::string name;
    std::string provider;
    config::tcp_middleware config;
    std::string type;  ///< "inflightconn", "ipallowlist", "ipwhitelist" (Traefik's API: lower-case type)
    status state = status::enabled;
    std::vector<std::string> errors;
    std::vector<std::string> used_by;
};

struct server_plan {
    std::string address;  ///< host:port as configured
    std::string host;
    uint16_t port = 0;
    bool tls = false;
    telemetry::server_counters* counters = nullptr;
};

/// A service ready to dial: a load balancer (servers) or a weighted set of other services.
struct service_plan {
    std::string name;
    std::vector<server_plan> servers;
    int proxy_protocol_version = 0;  ///< 0 = none, 1 or 2
    duration dial_timeout = std::chrono::seconds(30);
    duration dial_keep_alive = std::chrono::seconds(15);
    duration termination_delay = std::chrono::milliseconds(100);  ///< negative = wait for both sides forever
    struct weighted_child {
        std::shared_ptr<const service_plan> service;
        int weight = 1;
    };
    std::vector<weighted_child> weighted;
    /// Weighted services only: indexes into `weighted`, one whole smooth-WRR cycle (nginx's algorithm, the order
    /// Traefik's wrr balancer produces), precomputed so `pick` is one atomic increment and no lock.
    std::vector<uint32_t> schedule;
    telemetry::traffic_counters* counters = nullptr;

    /// Round-robin across servers, or smooth weighted round-robin across children. nullptr when empty.
    const server_plan* pick() const;
    /// The leaf service that owns the server `pick` returned last on this call path (for logs and counters).
    mutable std::atomic<uint64_t> cursor{0};
};

/// Per client IP count of open connections for one inFlightConn middleware instance.
struct in_flight_table {
    std::mutex mutex;
    std::unordered_map<std::string, int64_t> open;  ///< key: client IP text
};

struct middleware_plan {
    std::string name;
    enum class kind { in_flight_conn, ip_allow_list } type = kind::ip_allow_list;
    int64_t amount = 0;
    std::shared_ptr<in_flight_table> in_flight;  ///< restarts at zero on every build, as in Traefik
    std::vector<cidr> source_range;
};

struct route {
    std::string router;  ///< qualified name
    std::shared_ptr<const rules::compiled_rule> rule;
    int64_t priority = 0;
    bool tls = false;          ///< matches only connections that sent a ClientHello
    bool passthrough = false;  ///< always true for TLS routes today: termination is not supported yet
    std::shared_ptr<const service_plan> service;
    std::vector<std::shared_ptr<const middleware_plan>> middlewares;  ///< outermost first
    telemetry::traffic_counters* counters = nullptr;
};

/// One entrypoint's routing table, as the forwarder uses it.
struct entry_point_table {
    std::string name;
    std::vector<route> tls_routes;  ///< by priority, highest first; ties by router name (as Traefik sorts)
    std::vector<route> tcp_routes;  ///< non-TLS routes, same order
    /// No TLS routes: route at once, without reading a byte (server-first protocols).
    bool decides_without_bytes = false;
    /// TLS routes and a non-TLS route both exist: wait `server_first_wait` for the client, then route as non-TLS.
    bool mixed = false;
};

struct snapshot {
    uint64_t generation = 0;
    std::chrono::system_clock::time_point built_at;
    std::map<std::string, entry_point_table> entry_points;
    std::map<std::string, router_info> routers;
    std::map<std::string, service_info> services;
    std::map<std::string, middleware_info> middlewares;
    config::dynamic_config merged;  ///< for /api/rawdata
};

}  // namespace sy::runtime
