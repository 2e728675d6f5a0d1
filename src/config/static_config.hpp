#pragma once
// Traefik's static configuration (pkg/config/static), restricted to what a TCP router uses. Keys Traefik has for
// HTTP only are accepted and ignored with a warning by the decoder (see config/static_fields.cpp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/address.hpp"
#include "base/duration.hpp"

namespace sy::config {

struct entry_point_proxy_protocol {
    std::vector<cidr> trusted_ips;
    bool insecure = false;
    friend bool operator==(const entry_point_proxy_protocol&, const entry_point_proxy_protocol&) = default;
};

struct entry_point {
    std::string address;  ///< as written (":25", "[::]:993")
    host_port listen;     ///< parsed from address
    std::optional<entry_point_proxy_protocol> proxy_protocol;
    duration grace_timeout = std::chrono::seconds(10);          ///< transport.lifeCycle.graceTimeOut
    duration request_accept_grace_timeout = duration::zero();   ///< transport.lifeCycle.requestAcceptGraceTimeout
    duration read_timeout = std::chrono::seconds(60);           ///< transport.respondingTimeouts.readTimeout
    /// Switchyard only: how long a silent client is waited for before it is routed as non-TLS on an entrypoint
    /// that has both TLS routers and a non-TLS catch-all (Traefik waits readTimeout and closes it).
    duration server_first_wait = std::chrono::milliseconds(300);
    bool as_default = false;  ///< entryPoints.<n>.asDefault
    friend bool operator==(const entry_point&, const entry_point&) = default;
};

struct docker_tls {
    std::string ca, cert, key;
    bool insecure_skip_verify = false;
    friend bool operator==(const docker_tls&, const docker_tls&) = default;
};

struct docker_provider {
    bool enabled = false;
    std::string endpoint;  ///< empty: $DOCKER_HOST, else unix:///var/run/docker.sock
    bool exposed_by_default = true;
    std::string network;
    std::string constraints;
    bool watch = true;
    bool use_bind_port_ip = false;
    bool allow_empty_services = false;
    duration http_client_timeout = duration::zero();
    std::optional<docker_tls> tls;
    friend bool operator==(const docker_provider&, const docker_provider&) = default;
};

struct file_provider {
    bool enabled = false;
    std::string filename;
    std::string directory;
    bool watch = true;
    friend bool operator==(const file_provider&, const file_provider&) = default;
};

struct api_config {
    bool enabled = false;
    bool insecure = false;
    bool dashboard = true;
    friend bool operator==(const api_config&, const api_config&) = default;
};

struct ping_config {
    bool enabled = false;
    std::string entry_point = "traefik";
    friend bool operator==(const ping_config&, const ping_config&) = default;
};

struct prometheus_config {
    bool enabled = false;
    std::string entry_point = "traefik";
    bool add_entry_points_labels = true;
    bool add_routers_labels = true;
    bool add_services_labels = true;
    friend bool operator==(const prometheus_config&, const prometheus_config&) = default;
};

struct log_config {
    std::string level = "ERROR";  ///< Traefik's default
    std::string format = "common";
    std::string file_path;
    friend bool operator==(const log_config&, const log_config&) = default;
};

struct access_log_config {
    bool enabled = false;
    std::string file_path;  ///< empty: stdout
    std::string format = "common";
    int buffering_size = 0;
    friend bool operator==(const access_log_config&, const access_log_config&) = default;
};

struct static_config {
    std::map<std::string, entry_point> entry_points;
    docker_provider docker;
    file_provider file;
    /// Deliberate difference from Traefik (2 s): 200 ms. A rebuild costs well under a millisecond for a mail
    /// server's routers (aggregator/throttle.hpp has the measurements), and during the window new clients of a
    /// container that just started are refused; 200 ms still collapses a burst of Docker events into one rebuild.
    duration providers_throttle_duration = std::chrono::milliseconds(200);
    api_config api;
    ping_config ping;
    prometheus_config prometheus;
    log_config log;
    access_log_config access_log;
    std::string default_rule_syntax = "v3";  ///< core.defaultRuleSyntax
    int threads = 0;                         ///< core.threads (Switchyard only); 0 = one per core
    std::vector<std::string> ignored_keys;   ///< HTTP-only keys accepted for compatibility, warned about once
    std::vector<std::string> warnings;       ///< Traefik meanings worth a warning at start-up (logged by the caller)
    std::string loaded_from;                 ///< "flags", "environment", the file's path, or "defaults"
    friend bool operator==(const static_config&, const static_config&) = default;
};

}  // namespace sy::config
