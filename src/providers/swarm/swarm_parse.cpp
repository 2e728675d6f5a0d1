#include "providers/swarm/swarm_parse.hpp"

#include <algorithm>

#include "base/address.hpp"
#include "providers/docker/json_read.hpp"

namespace sy::providers::swarm {

using namespace docker::json_read;

namespace {

/// The answer must be a JSON array; its elements are read by `one`, which skips what it cannot use.
template <class T, class One>
result<std::vector<T>> parse_list(std::string_view text, const char* what, One one) {
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_array()) return diagnostic{what, "the answer is not a JSON array"};
    std::vector<T> out;
    for (const auto& element : j)
        if (element.is_object()) one(element, out);
    return out;
}

int int_member(const json& j, std::string_view key) {
    const json* m = member(j, key);
    if (!m || !m->is_number_integer()) return 0;
    auto v = m->get<int64_t>();
    return v < 0 || v > 1'000'000'000 ? 0 : static_cast<int>(v);
}

const json* array_member(const json& j, std::string_view key) {
    const json* m = member(j, key);
    return m && m->is_array() ? m : nullptr;
}

}  // namespace

std::string address_without_prefix(std::string_view cidr) {
    auto slash = cidr.find('/');
    auto ip = parse_ip(cidr.substr(0, slash));
    return ip ? ip->to_string() : std::string();
}

result<std::vector<service>> parse_services(std::string_view text) {
    return parse_list<service>(text, "docker GET /services", [](const json& j, std::vector<service>& out) {
        service s;
        s.id = string_member(j, "ID");
        if (s.id.empty()) return;
        const json* spec = object_member(j, "Spec");
        if (spec) {
            s.name = string_member(*spec, "Name");
            s.labels = string_map_member(*spec, "Labels");
            if (const json* mode = object_member(*spec, "Mode")) s.global = member(*mode, "Global") != nullptr;
            if (const json* ep = object_member(*spec, "EndpointSpec")) {
                s.endpoint_mode = string_member(*ep, "Mode");
                if (s.endpoint_mode.empty()) s.endpoint_mode = "vip";  // swarmkit's default
            }
        }
        if (s.name.empty()) s.name = s.id;
        if (const json* endpoint = object_member(j, "Endpoint"))
            if (const json* vips = array_member(*endpoint, "VirtualIPs"))
                for (const auto& v : *vips)
                    s.virtual_ips.push_back({string_member(v, "NetworkID"), address_without_prefix(string_member(v, "Addr"))});
        out.push_back(std::move(s));
    });
}

result<std::vector<task>> parse_tasks(std::string_view text) {
    return parse_list<task>(text, "docker GET /tasks", [](const json& j, std::vector<task>& out) {
        task t;
        t.id = string_member(j, "ID");
        t.service_id = string_member(j, "ServiceID");
        if (t.id.empty() || t.service_id.empty()) return;
        t.node_id = string_member(j, "NodeID");
        t.slot = int_member(j, "Slot");
        t.desired_state = string_member(j, "DesiredState");
        if (const json* status = object_member(j, "Status")) {
            t.state = string_member(*status, "State");
            if (const json* ps = object_member(*status, "PortStatus"))
                if (const json* ports = array_member(*ps, "Ports"))
                    for (const auto& p : *ports) {
                        published_port port{int_member(p, "TargetPort"), int_member(p, "PublishedPort"),
                                            string_member(p, "Protocol"), string_member(p, "PublishMode")};
                        if (port.protocol.empty()) port.protocol = "tcp";
                        if (port.mode.empty()) port.mode = "ingress";
                        if (port.target <= 0 || port.target > 65535 || port.published < 0 || port.published > 65535)
                            continue;
                        // Docker lists a host-mode port once per address family: one entry is enough.
                        if (std::find(t.ports.begin(), t.ports.end(), port) == t.ports.end()) t.ports.push_back(port);
                    }
        }
        if (const json* atts = array_member(j, "NetworksAttachments"))
            for (const auto& a : *atts) {
                network_attachment n;
                if (const json* net = object_member(a, "Network")) {
                    n.network_id = string_member(*net, "ID");
                    if (const json* spec = object_member(*net, "Spec")) {
                        n.name = string_member(*spec, "Name");
                        if (const json* driver = object_member(*spec, "DriverConfiguration"))
                            n.driver = string_member(*driver, "Name");
                    }
                }
                if (const json* addrs = array_member(a, "Addresses"))
                    for (const auto& addr : *addrs)
                        if (addr.is_string())
                            if (auto ip = address_without_prefix(addr.get<std::string>()); !ip.empty())
                                n.addresses.push_back(std::move(ip));
                if (!n.network_id.empty()) t.networks.push_back(std::move(n));
            }
        out.push_back(std::move(t));
    });
}

result<std::vector<node>> parse_nodes(std::string_view text) {
    return parse_list<node>(text, "docker GET /nodes", [](const json& j, std::vector<node>& out) {
        node n;
        n.id = string_member(j, "ID");
        if (n.id.empty()) return;
        if (const json* d = object_member(j, "Description")) n.hostname = string_member(*d, "Hostname");
        if (const json* status = object_member(j, "Status")) {
            n.state = string_member(*status, "State");
            n.address = address_without_prefix(string_member(*status, "Addr"));
        }
        auto ip = parse_ip(n.address);
        if (!ip || ip->is_unspecified()) {
            // A manager may report Status.Addr 0.0.0.0 (moby/moby#35437); its raft address names the node then.
            n.address.clear();
            if (const json* m = object_member(j, "ManagerStatus")) {
                auto hp = parse_host_port(string_member(*m, "Addr"));
                if (hp)
                    if (auto mip = parse_ip(hp->host); mip && !mip->is_unspecified()) n.address = mip->to_string();
            }
        }
        out.push_back(std::move(n));
    });
}

result<std::vector<network>> parse_networks(std::string_view text) {
    return parse_list<network>(text, "docker GET /networks", [](const json& j, std::vector<network>& out) {
        network n;
        n.id = string_member(j, "Id");
        if (n.id.empty()) return;
        n.name = string_member(j, "Name");
        n.driver = string_member(j, "Driver");
        const json* ingress = member(j, "Ingress");
        n.ingress = ingress && ingress->is_boolean() && ingress->get<bool>();
        out.push_back(std::move(n));
    });
}

}  // namespace sy::providers::swarm
