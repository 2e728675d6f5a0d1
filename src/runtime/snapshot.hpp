#pragma once
// The immutable routing snapshot: built once per configuration change by runtime::build, published by pointer to
// every forwarder worker and to the API, never modified after build returns. State that changes while running
// lives outside it: the balancers' positions per worker (worker_view, forwarder/worker_context.hpp), inFlightConn
// counts in runtime/live_state.hpp, counters in telemetry/counters.hpp; the snapshot only points at the latter two.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/address.hpp"
#include "base/duration.hpp"
#include "config/dynamic_config.hpp"
#include "config/static_config.hpp"
#include "rules/rule.hpp"
#include "runtime/docker_gateways.hpp"
#include "runtime/health_state.hpp"
#include "runtime/live_state.hpp"
#include "telemetry/counters.hpp"
#include "tls/setup.hpp"

namespace sy::runtime {

enum class status { enabled, warning, disabled };
const char* to_string(status s);  ///< "enabled", "warning", "disabled" (Traefik's API strings)

/// What the API shows for a router (Traefik's runtime.TCPRouterInfo).
struct router_info {
    std::string name;      ///< qualified: smtp@docker
    std::string provider;  ///< docker
    /// Middlewares qualified; `service` as the provider wrote it (Traefik's API shows it so: `smtp`, the service's
    /// own entry carries the qualified name). Routing uses the merged configuration, never this copy.
    config::tcp_router config;
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
    std::map<std::string, std::string> server_status;  ///< address → "UP": each server's state when built
    /// address → its live health (health_state.hpp), which the API reads for serverStatus instead of the above.
    std::map<std::string, std::shared_ptr<const server_health>> health;
};

/// "UP" or "DOWN": a server of `s` as its live health says now (the built server_status when it has none).
std::string server_state(const service_info& s, const std::string& address);

struct middleware_info {
    std::string name;
    std::string provider;
    config::tcp_middleware config;
    std::string type;  ///< "inflightconn", "ipallowlist", "ipwhitelist", "ipdenylist" (Traefik's API: lower-case)
    status state = status::enabled;
    std::vector<std::string> errors;
    std::vector<std::string> used_by;
};

struct server_plan {
    std::string address;  ///< host:port as configured
    std::string host;
    uint16_t port = 0;
    bool tls = false;
    std::shared_ptr<telemetry::server_counters> counters;
    /// Outside the snapshot, shared by every service and router that checks this server the same way; null (tests)
    /// is always UP.
    std::shared_ptr<server_health> health;
};

/// A service's active check, with Traefik's fallbacks for bad values already applied.
struct health_check_plan {
    uint16_t port = 0;  ///< 0: the server's own port
    std::string send;
    std::string expect;
    duration interval = std::chrono::seconds(30);
    duration unhealthy_interval = std::chrono::seconds(30);
    duration timeout = std::chrono::seconds(5);
    friend bool operator==(const health_check_plan&, const health_check_plan&) = default;
};

/// Passive health (Switchyard extension, config::passive_health_check). max_failed_attempts 0: off.
struct passive_plan {
    int max_failed_attempts = 1;
    duration failure_window = std::chrono::seconds(10);
};

/// A service ready to dial: a load balancer (servers) or a weighted set of other services.
struct service_plan {
    std::string name;
    /// Dense within its snapshot (0 .. snapshot::service_count - 1): where each worker keeps this service's
    /// balancer position (worker_view, forwarder/worker_context.hpp).
    uint32_t index = 0;
    std::vector<server_plan> servers;
    int proxy_protocol_version = 0;  ///< 0 = none, 1 or 2
    duration dial_timeout = std::chrono::seconds(30);
    duration dial_keep_alive = std::chrono::seconds(15);
    duration termination_delay = std::chrono::milliseconds(100);  ///< negative = wait for both sides forever
    /// For its servers with tls: how to speak TLS to them (kept alive with the snapshot's `tls` too).
    std::shared_ptr<const tls::client_side> backend_tls;
    std::optional<health_check_plan> health_check;  ///< load balancers with loadBalancer.healthCheck
    passive_plan passive;
    struct weighted_child {
        std::shared_ptr<const service_plan> service;
        int weight = 1;
    };
    std::vector<weighted_child> weighted;
    /// Weighted services only: indexes into `weighted`, one whole cycle of Traefik's weighted round-robin
    /// (pkg/tcp/wrr_load_balancer.go, interleaved by the weights' GCD: 3:1 gives a a a b), precomputed so a pick is
    /// one increment of a per-worker cursor.
    std::vector<uint32_t> schedule;
    std::shared_ptr<telemetry::traffic_counters> counters;
};

/// The balancers' positions, one per service_plan::index, owned by one worker (never shared between threads).
using balancer_cursors = std::span<uint32_t>;

/// Round-robin across a load balancer's servers, Traefik's weighted round-robin across a weighted service's children,
/// advancing `cursors`, skipping servers that are DOWN and weighted children without a server UP. nullptr when there
/// is nothing to pick (has_servers then tells an empty service from one whose servers are all DOWN). A server DOWN
/// by passive health alone (no active check) is still picked once per failureWindow (its trial), and when every
/// server of its service is DOWN so (nothing else knows better than a dial).
/// `skip`: a server never to pick (the one whose dial just failed: the retry goes elsewhere or nowhere).
const server_plan* pick(const service_plan& service, balancer_cursors cursors, const server_plan* skip = nullptr);
/// Whether the service has any server at all, UP or not.
bool has_servers(const service_plan& service);

/// One active check to run: a server of a service with healthCheck, with that service's transport's PROXY version.
/// Deduplicated by `key`: however many services and routers share it, one prober probes it.
struct probe_target {
    std::string key;
    std::string address;  ///< the server as configured (what the API and the logs name)
    std::string host;
    uint16_t port = 0;  ///< the port probed (healthCheck.port, else the server's)
    int proxy_protocol_version = 0;
    health_check_plan check;
    std::vector<std::string> services;  ///< that use it, sorted (for the logs)
    std::shared_ptr<server_health> health;
};

struct middleware_plan {
    std::string name;
    enum class kind { in_flight_conn, ip_allow_list, ip_deny_list } type = kind::ip_allow_list;
    int64_t amount = 0;
    /// This (middleware, router, entrypoint)'s counts: outside the snapshot, kept across reloads.
    std::shared_ptr<in_flight_table> in_flight;
    std::vector<cidr> source_range;  ///< ipAllowList: admitted; ipDenyList: refused
};

struct route {
    std::string router;  ///< qualified name
    std::shared_ptr<const rules::compiled_rule> rule;
    int64_t priority = 0;
    bool tls = false;          ///< matches only connections that sent a ClientHello
    bool passthrough = false;  ///< TLS forwarded untouched; false with `terminate`
    /// TLS terminated here with these options (null: passthrough or plain TCP). Kept alive by the snapshot's `tls`.
    std::shared_ptr<const tls::server_side> terminate;
    std::shared_ptr<const service_plan> service;
    std::vector<std::shared_ptr<const middleware_plan>> middlewares;  ///< outermost first
    std::shared_ptr<telemetry::traffic_counters> counters;
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
    uint32_t service_count = 0;  ///< service_plan indexes are below this
    std::chrono::system_clock::time_point built_at;
    std::map<std::string, entry_point_table> entry_points;
    std::map<std::string, router_info> routers;
    std::map<std::string, service_info> services;
    std::map<std::string, middleware_info> middlewares;
    config::dynamic_config merged;  ///< for /api/rawdata
    std::vector<docker_gateway> docker_gateways;  ///< sorted; see docker_gateways.hpp
    std::shared_ptr<const tls::setup> tls;  ///< certificates and options of this configuration (never null)
    std::vector<probe_target> probes;  ///< the active checks of the services routers use, by key
};

}  // namespace sy::runtime
