#pragma once
// What the Swarm provider knows about a swarm: plain structs filled by the pure parsers in swarm_parse.hpp from a
// manager's Engine API (GET /services, /tasks, /nodes, /networks; scale-out.md §1.2, docker-api.md §2.6). Only the
// fields routing needs are kept; a task's or service's secrets and environment are never copied.
#include <map>
#include <string>
#include <vector>

namespace sy::providers::swarm {

/// Endpoint.VirtualIPs[i]: the service's address on one network (allocated in vip mode; what lbswarm dials).
struct virtual_ip {
    std::string network_id;
    std::string address;  ///< without its prefix length ("10.0.1.4" from "10.0.1.4/24"); "" when none allocated
    friend bool operator==(const virtual_ip&, const virtual_ip&) = default;
};

/// A service (GET /services): the labels are Spec.Labels, i.e. a stack file's deploy.labels.
struct service {
    std::string id;
    std::string name;  ///< Spec.Name ("mail_imap" in stack "mail")
    std::map<std::string, std::string> labels;
    bool global = false;        ///< Spec.Mode.Global: tasks are named <service>.<task ID>, else <service>.<slot>
    std::string endpoint_mode;  ///< Spec.EndpointSpec.Mode: "vip", "dnsrr", or "" without an EndpointSpec
    std::vector<virtual_ip> virtual_ips;
    friend bool operator==(const service&, const service&) = default;
};

/// One NetworksAttachments entry of a task.
struct network_attachment {
    std::string network_id;
    std::string name;    ///< Network.Spec.Name
    std::string driver;  ///< Network.Spec.DriverConfiguration.Name: "overlay", "host" (the predefined host network)
    std::vector<std::string> addresses;  ///< without prefix lengths
    friend bool operator==(const network_attachment&, const network_attachment&) = default;
};

/// Status.PortStatus.Ports[i]: a port the task publishes (in host mode: on its node, one per task).
struct published_port {
    int target = 0;
    int published = 0;
    std::string protocol;  ///< "tcp", "udp", "sctp"
    std::string mode;      ///< "host" or "ingress"
    friend bool operator==(const published_port&, const published_port&) = default;
};

/// A task (GET /tasks): one replica of a service on one node.
struct task {
    std::string id;
    std::string service_id;
    std::string node_id;
    int slot = 0;                ///< 0 for global services
    std::string state;           ///< Status.State: new pending assigned accepted preparing ready starting running ...
    std::string desired_state;   ///< DesiredState: running, shutdown, ...
    std::vector<network_attachment> networks;
    std::vector<published_port> ports;
    friend bool operator==(const task&, const task&) = default;
};

/// A node (GET /nodes).
struct node {
    std::string id;
    std::string hostname;  ///< Description.Hostname, for messages
    std::string address;   ///< Status.Addr, else ManagerStatus.Addr's host when Status.Addr is 0.0.0.0
    std::string state;     ///< Status.State: unknown down ready disconnected
    friend bool operator==(const node&, const node&) = default;
};

/// A swarm-scoped network (GET /networks?filters={"scope":["swarm"]}).
struct network {
    std::string id;
    std::string name;
    std::string driver;
    bool ingress = false;
    friend bool operator==(const network&, const network&) = default;
};

/// One refresh's worth of the swarm: the four lists, read one after the other.
struct swarm_state {
    std::vector<service> services;
    std::vector<task> tasks;
    std::vector<node> nodes;
    std::vector<network> networks;
    /// Tasks whose container the node's own events reported failing, by task ID: "unhealthy" or "exited". The
    /// manager keeps such a task "running" until the container has stopped (a 2 s gossip delay and the stop grace
    /// period later, scale-out.md §1.6); these are not routed meanwhile (swarm_events.hpp).
    std::map<std::string, std::string> failing;
    friend bool operator==(const swarm_state&, const swarm_state&) = default;
};

}  // namespace sy::providers::swarm
