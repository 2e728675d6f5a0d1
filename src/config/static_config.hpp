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

/// Switchyard only: `entryPoints.<n>.starttls`, an entrypoint that speaks a mail protocol's pre-TLS dialogue itself
/// and routes on the ClientHello that follows STARTTLS (Traefik has no such key: traefik/traefik#7366).
struct entry_point_starttls {
    std::string protocol;  ///< smtp | imap | pop3 | managesieve (checked after decoding)
    std::string hostname;  ///< the name in the synthesized greeting; empty: "localhost"
    duration command_timeout = std::chrono::seconds(60);          ///< preTLSCommandTimeout: between two commands
    duration total_timeout = std::chrono::seconds(120);           ///< preTLSTotalTimeout: accept to STARTTLS
    duration client_hello_timeout = std::chrono::seconds(30);     ///< clientHelloTimeout: STARTTLS to ClientHello
    duration backend_connect_timeout = std::chrono::seconds(10);  ///< backendConnectTimeout: caps dialTimeout
    /// backendDialogueTimeout: greeting to the backend's STARTTLS reply; >= 30 s survives postscreen's 6 s greet
    /// wait plus DNSBL lookups.
    duration backend_dialogue_timeout = std::chrono::seconds(30);
    friend bool operator==(const entry_point_starttls&, const entry_point_starttls&) = default;
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
    std::optional<entry_point_starttls> starttls;
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
    /// Switchyard only: the labels' root segment(s), so that Switchyard and a Traefik on the same host read
    /// different labels (Traefik has no such option: traefik/traefik#11909).
    std::string label_prefix = "traefik";
    /// Not a key: how long the events stream may stay silent before the daemon is pinged and the stream reopened
    /// from where it was. With the ping's own bound (httpClientTimeout, else 15 s), a daemon that vanished without
    /// closing the connection (a host gone, a dropped route) is noticed within 45 s. Tests shorten it.
    duration events_silence = std::chrono::seconds(30);
    friend bool operator==(const docker_provider&, const docker_provider&) = default;
};

/// providers.swarm (Traefik v3's SwarmProvider: the Docker provider's options plus refreshSeconds).
struct swarm_provider {
    bool enabled = false;
    std::string endpoint;  ///< empty: $DOCKER_HOST, else unix:///var/run/docker.sock (a manager's API)
    bool exposed_by_default = true;
    std::string network;
    std::string constraints;
    duration refresh_seconds = std::chrono::seconds(15);
    bool watch = true;
    bool use_bind_port_ip = false;
    bool allow_empty_services = false;
    duration http_client_timeout = duration::zero();
    std::optional<docker_tls> tls;
    /// Switchyard only, as providers.docker.labelPrefix.
    std::string label_prefix = "traefik";
    friend bool operator==(const swarm_provider&, const swarm_provider&) = default;
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

/// Switchyard extension (Traefik has no deny list: traefik/traefik#4026): a file of banned addresses and CIDRs,
/// watched and applied live to new connections, and by default to established ones (bans/ban_file.hpp: format).
/// Switchyard extension: banList.crowdsec, a bouncer inside the router following a CrowdSec Local API's decision
/// stream into the same ban set as the file (Traefik has no TCP bouncer: its CrowdSec plugins are HTTP middlewares).
struct crowdsec_config {
    std::string url;           ///< banList.crowdsec.url: the LAPI, http://host:port or https://; empty: no bouncer
    std::string api_key_file;  ///< banList.crowdsec.apiKeyFile: the key `cscli bouncers add` printed
    /// banList.crowdsec.pollInterval: as CrowdSec's own bouncers' update_frequency (10s).
    duration poll_interval = std::chrono::seconds(10);
    duration timeout = std::chrono::seconds(10);  ///< banList.crowdsec.timeout: one request, connect included
    friend bool operator==(const crowdsec_config&, const crowdsec_config&) = default;
};

struct ban_list_config {
    std::string filename;                   ///< banList.filename; empty: no ban file
    std::vector<std::string> entry_points;  ///< banList.entryPoints; empty: every TCP entrypoint
    bool keep_established = false;          ///< banList.keepEstablished: a new ban spares open connections
    crowdsec_config crowdsec;
    /// A ban list is in force when it has a source: the file, CrowdSec, or both (merged into one set).
    bool enabled() const { return !filename.empty() || !crowdsec.url.empty(); }
    friend bool operator==(const ban_list_config&, const ban_list_config&) = default;
};

struct static_config {
    std::map<std::string, entry_point> entry_points;
    docker_provider docker;
    swarm_provider swarm;
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
    ban_list_config ban_list;
    std::string default_rule_syntax = "v3";  ///< core.defaultRuleSyntax
    int threads = 0;                         ///< core.threads (Switchyard only); 0 = one per core
    /// tls.acmeJSON (Switchyard only): Traefik acme.json files whose certificates are served, read-only, watched.
    std::vector<std::string> acme_json;
    /// core.dataPath (Switchyard only): copy, auto (sockmap where the kernel lets this process load it), sockmap
    /// (required: start-up fails without it). forwarder/splice_sockmap.hpp. Validated and lower-cased at load.
    std::string data_path = "copy";
    /// core.spliceStart (Switchyard only): when a connection moves to the sockmap path: fullbuffer (once one read
    /// filled the relay's buffer, HAProxy's splice-auto) or immediate (right after the preamble).
    std::string splice_start = "fullbuffer";
    std::vector<std::string> ignored_keys;   ///< HTTP-only keys accepted for compatibility, warned about once
    std::vector<std::string> warnings;       ///< Traefik meanings worth a warning at start-up (logged by the caller)
    std::string loaded_from;                 ///< "flags", "environment", the file's path, or "defaults"
    friend bool operator==(const static_config&, const static_config&) = default;
};

}  // namespace sy::config
