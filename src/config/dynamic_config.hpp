#pragma once
// Traefik's TCP dynamic configuration (pkg/config/dynamic/tcp_config.go, tcp_middlewares.go) as plain structs.
// Field names follow Traefik's so the decoder's field tables and the API's JSON read the same way.
// Nothing here is validated: the runtime builder does that, so one bad router is reported, not thrown.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/duration.hpp"

namespace sy::config {

struct tls_domain {
    std::string main;
    std::vector<std::string> sans;
    friend bool operator==(const tls_domain&, const tls_domain&) = default;
};

struct router_tls {
    bool passthrough = false;
    std::string options;       ///< TLS options name; empty = "default"
    std::string cert_resolver;
    std::vector<tls_domain> domains;
    friend bool operator==(const router_tls&, const router_tls&) = default;
};

struct tcp_router {
    std::vector<std::string> entry_points;  ///< empty = the default entrypoints
    std::vector<std::string> middlewares;
    std::string service;
    std::string rule;
    std::string rule_syntax;  ///< "", "v2" or "v3"
    int64_t priority = 0;     ///< 0 = computed from the rule
    std::optional<router_tls> tls;  ///< absent = plain TCP
    friend bool operator==(const tcp_router&, const tcp_router&) = default;
};

struct proxy_protocol {
    int version = 2;  ///< Traefik's SetDefaults: `proxyProtocol=true` means version 2
    friend bool operator==(const proxy_protocol&, const proxy_protocol&) = default;
};

struct tcp_server {
    std::string address;  ///< host:port
    std::string port;     ///< labels only: joined with the container's IP by the provider, then cleared
    bool tls = false;
    friend bool operator==(const tcp_server&, const tcp_server&) = default;
};

/// Traefik v3.6's TCPServerHealthCheck (pkg/config/dynamic/tcp_config.go), its SetDefaults included: interval 30s,
/// timeout 5s, unhealthyInterval absent (= interval). Label path: `<prefix>.tcp.services.<s>.loadbalancer.healthcheck.*`.
struct tcp_health_check {
    std::optional<int> port;  ///< absent (or Traefik's 0): the server's own port
    std::string send;
    std::string expect;
    duration interval = std::chrono::seconds(30);
    std::optional<duration> unhealthy_interval;
    duration timeout = std::chrono::seconds(5);
    friend bool operator==(const tcp_health_check&, const tcp_health_check&) = default;
};

/// Switchyard extension: Traefik v3.6's HTTP passiveHealthCheck (same keys and defaults) on TCP services, on by
/// default. maxFailedAttempts consecutive failed dials within failureWindow take a server DOWN; without an active
/// check it is tried again after failureWindow. 0 turns passive health off, including the retry of a failed dial
/// on another server (Traefik's TCP behaviour).
struct passive_health_check {
    int max_failed_attempts = 1;
    duration failure_window = std::chrono::seconds(10);
    friend bool operator==(const passive_health_check&, const passive_health_check&) = default;
};

struct tcp_servers_load_balancer {
    std::vector<tcp_server> servers;
    std::string servers_transport;
    // Qualified type names: the members reuse the type names (Traefik's field names), which g++ refuses unqualified.
    std::optional<config::proxy_protocol> proxy_protocol;  ///< deprecated in Traefik v3.5.2 in favour of the transport
    std::optional<int64_t> termination_delay;      ///< deprecated; see runtime for the unit
    std::optional<tcp_health_check> health_check;
    std::optional<config::passive_health_check> passive_health_check;  ///< Switchyard extension; absent = defaults
    friend bool operator==(const tcp_servers_load_balancer&, const tcp_servers_load_balancer&) = default;
};

struct weighted_service_ref {
    std::string name;
    std::optional<int> weight;  ///< absent = 1
    friend bool operator==(const weighted_service_ref&, const weighted_service_ref&) = default;
};

struct tcp_weighted {
    std::vector<weighted_service_ref> services;
    friend bool operator==(const tcp_weighted&, const tcp_weighted&) = default;
};

/// Exactly one of the two should be set; both or neither is an error reported by the runtime builder.
struct tcp_service {
    std::optional<tcp_servers_load_balancer> load_balancer;
    std::optional<tcp_weighted> weighted;
    friend bool operator==(const tcp_service&, const tcp_service&) = default;
};

struct in_flight_conn {
    int64_t amount = 0;
    friend bool operator==(const in_flight_conn&, const in_flight_conn&) = default;
};

struct ip_allow_list {
    std::vector<std::string> source_range;
    friend bool operator==(const ip_allow_list&, const ip_allow_list&) = default;
};

struct tcp_middleware {
    std::optional<config::in_flight_conn> in_flight_conn;
    std::optional<config::ip_allow_list> ip_allow_list;
    std::optional<config::ip_allow_list> ip_white_list;  ///< deprecated alias of ipAllowList
    /// Switchyard extension (Traefik has no deny list: traefik/traefik#4026): refuses the clients in sourceRange.
    std::optional<config::ip_allow_list> ip_deny_list;
    friend bool operator==(const tcp_middleware&, const tcp_middleware&) = default;
};

/// certFile / keyFile are paths or the PEM itself (Traefik's types.FileOrContent).
struct tls_certificate {
    std::string cert_file;
    std::string key_file;
    std::vector<std::string> stores;
    friend bool operator==(const tls_certificate&, const tls_certificate&) = default;
};

struct servers_transport_tls {
    std::string server_name;
    bool insecure_skip_verify = false;
    std::vector<std::string> root_cas;  ///< paths or inline PEM
    std::vector<tls_certificate> certificates;  ///< client certificates toward the backend
    std::string peer_cert_uri;
    friend bool operator==(const servers_transport_tls&, const servers_transport_tls&) = default;
};

struct tcp_servers_transport {
    duration dial_timeout = std::chrono::seconds(30);
    duration dial_keep_alive = std::chrono::seconds(15);
    duration termination_delay = std::chrono::milliseconds(100);
    std::optional<config::proxy_protocol> proxy_protocol;
    std::optional<servers_transport_tls> tls;
    friend bool operator==(const tcp_servers_transport&, const tcp_servers_transport&) = default;
};

/// Traefik's tls.ClientAuth (pkg/tls/tls.go).
struct tls_client_auth {
    std::vector<std::string> ca_files;  ///< paths or inline PEM, as Traefik's FileOrContent
    std::string client_auth_type;       ///< one of Traefik's five names; empty = none, or Require... with caFiles
    friend bool operator==(const tls_client_auth&, const tls_client_auth&) = default;
};

/// Traefik's tls.Options (pkg/tls/tls.go): the names are validated by src/tls, not here.
struct tls_options {
    std::string min_version;
    std::string max_version;
    std::vector<std::string> cipher_suites;
    std::vector<std::string> curve_preferences;
    std::vector<std::string> alpn_protocols;  ///< empty = Traefik's default list
    tls_client_auth client_auth;
    bool sni_strict = false;
    bool disable_session_tickets = false;
    std::optional<bool> prefer_server_cipher_suites;  ///< deprecated in Traefik and ineffective; accepted
    friend bool operator==(const tls_options&, const tls_options&) = default;
};

/// Traefik's tls.Store: only `default` is used (as in Traefik).
struct tls_store {
    std::optional<tls_certificate> default_certificate;
    friend bool operator==(const tls_store&, const tls_store&) = default;
};

struct tls_section {
    std::map<std::string, tls_options> options;
    std::vector<tls_certificate> certificates;
    std::map<std::string, tls_store> stores;
    friend bool operator==(const tls_section&, const tls_section&) = default;
};

/// One provider's TCP configuration, or the merged one (then every name is `name@provider`).
/// std::map keeps names sorted, which makes every iteration deterministic.
struct dynamic_config {
    std::map<std::string, tcp_router> routers;
    std::map<std::string, tcp_service> services;
    std::map<std::string, tcp_middleware> middlewares;
    std::map<std::string, tcp_servers_transport> servers_transports;
    tls_section tls;
    friend bool operator==(const dynamic_config&, const dynamic_config&) = default;
};

/// What a provider publishes: its whole configuration each time (Traefik's dynamic.Message), never a patch.
/// `findings` carries what the provider found wrong in its input (a bad label, a file that does not parse), tagged
/// with the element it belongs to so the runtime builder can show it on that element.
struct element_finding {
    enum class kind { router, service, middleware, other } element = kind::other;
    std::string name;  ///< unqualified name within the provider
    bool is_error = true;  ///< false: a warning
    std::string message;
    friend bool operator==(const element_finding&, const element_finding&) = default;
};

struct provider_message {
    std::string provider;  ///< "docker", "file"
    dynamic_config config;
    std::vector<element_finding> findings;
    /// Switchyard only, from the Docker provider: the gateway address of every Docker network it saw → that
    /// network's name. A client connecting from one came through Docker's userland proxy or the host, so its real
    /// address is lost (forwarder/gateway_warning.hpp).
    std::map<std::string, std::string> docker_gateways;
};

}  // namespace sy::config
