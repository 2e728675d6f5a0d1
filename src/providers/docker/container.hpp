#pragma once
// What the Docker watcher knows about a container, an event and the engine: plain structs filled by the pure parsers
// in inspect.hpp / events.hpp from the Engine API's JSON (docker-api.md §2). Only the fields routing needs are kept;
// in particular Config.Env (secrets) is never copied (docker-api.md §5.4).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sy::providers::docker {

/// One published binding of a container port (NetworkSettings.Ports["25/tcp"][i]).
struct port_binding {
    std::string host_ip;    ///< "0.0.0.0", "::", "127.0.0.1" or "" (HostConfig form)
    std::string host_port;  ///< "32525"
    friend bool operator==(const port_binding&, const port_binding&) = default;
};

/// One exposed port ("25/tcp") and its bindings (empty when not published).
struct exposed_port {
    int port = 0;
    std::string protocol;  ///< "tcp", "udp", "sctp"
    std::vector<port_binding> bindings;
    friend bool operator==(const exposed_port&, const exposed_port&) = default;
};

/// One endpoint of NetworkSettings.Networks.
struct network_endpoint {
    std::string name;        ///< the map key, as Docker reports it (compose: "<project>_<net>")
    std::string id;          ///< NetworkID (Podman: the name)
    std::string ip_address;  ///< IPAddress, else GlobalIPv6Address; "" when stopped or in host mode
    friend bool operator==(const network_endpoint&, const network_endpoint&) = default;
};

/// The gateway of a network a container is attached to (NetworkSettings.Networks[name].Gateway / .IPv6Gateway):
/// where Docker's userland proxy and the host appear to come from on that network.
struct network_gateway {
    std::string address;  ///< "172.18.0.1", "fd00::1"
    std::string network;  ///< the network's name, as Docker reports it
    friend bool operator==(const network_gateway&, const network_gateway&) = default;
};

/// A container as inspected (GET /containers/{id}/json).
struct container {
    std::string id;
    std::string name;          ///< without the leading '/'
    std::string status;        ///< State.Status: created running paused restarting removing exited dead
    std::string health;        ///< State.Health.Status: "" (no check) starting healthy unhealthy
    std::string network_mode;  ///< HostConfig.NetworkMode: host, none, bridge, default, container:<id>, <name>
    std::map<std::string, std::string> labels;
    std::vector<network_endpoint> networks;  ///< sorted by name (deterministic address choice)
    std::vector<exposed_port> ports;         ///< NetworkSettings.Ports, sorted by port number then protocol
    std::vector<int> config_exposed_ports;   ///< Config.ExposedPorts (tcp only), sorted; known in every state
    std::string compose_service;             ///< label com.docker.compose.service
    std::string compose_project;             ///< label com.docker.compose.project
    std::vector<network_gateway> gateways;   ///< of every attached network, IPv4 and IPv6; sorted
    /// Filled by the Swarm provider only, which describes each task (or, with lbswarm, each service) as a container,
    /// as Traefik's dockerData does: the Swarm service's name (the default service name), the address of the node
    /// the task runs on (where network mode host and host-mode published ports are reached), and the word messages
    /// use for it.
    std::string service_name;
    std::string node_address;
    std::string noun = "container";
    friend bool operator==(const container&, const container&) = default;
};

/// One line of GET /events (Type, Action, Actor.ID, Actor.Attributes, timeNano).
struct event {
    std::string type;    ///< "container", "network", ...
    std::string action;  ///< "start", "health_status: healthy", "connect", ...
    std::string actor_id;
    std::map<std::string, std::string> attributes;
    int64_t time_nano = 0;
    friend bool operator==(const event&, const event&) = default;
};

/// GET /version: what version negotiation and the logs need.
struct engine_version {
    std::string version;          ///< "20.10.24+dfsg1", "4.3.1"
    std::string api_version;      ///< the daemon's maximum ("1.41")
    std::string min_api_version;  ///< absent before API 1.25: "1.12" is assumed
    bool podman = false;          ///< a Components[].Name contains "Podman"
};

}  // namespace sy::providers::docker
