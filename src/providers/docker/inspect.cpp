#include "providers/docker/inspect.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "base/text.hpp"
#include "providers/docker/json_read.hpp"

namespace sy::providers::docker {

using namespace json_read;

namespace {

result<json> parse_json(std::string_view text, const char* what) {
    json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return diagnostic{what, "the answer is not JSON"};
    return result<json>(boost::system::in_place_value, std::move(j));
}

/// "25/tcp" → {25, "tcp"}; a key without a protocol is tcp (as Docker's nat.NewPort); false when malformed.
bool parse_port_key(std::string_view key, int& port, std::string& protocol) {
    auto slash = key.find('/');
    std::string_view number = key.substr(0, slash);
    protocol = slash == std::string_view::npos ? "tcp" : std::string(key.substr(slash + 1));
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), port);
    return ec == std::errc() && end == number.data() + number.size() && port > 0 && port <= 65535;
}

std::vector<port_binding> parse_bindings(const json& list) {
    std::vector<port_binding> out;
    if (!list.is_array()) return out;  // null: exposed but not published
    for (const auto& b : list)
        if (b.is_object()) out.push_back({string_member(b, "HostIp"), string_member(b, "HostPort")});
    return out;
}

std::vector<exposed_port> parse_ports(const json& settings) {
    std::vector<exposed_port> out;
    if (const json* ports = object_member(settings, "Ports")) {
        for (auto it = ports->begin(); it != ports->end(); ++it) {
            exposed_port p;
            if (!parse_port_key(it.key(), p.port, p.protocol)) continue;
            p.bindings = parse_bindings(it.value());
            out.push_back(std::move(p));
        }
    }
    std::sort(out.begin(), out.end(),
              [](const exposed_port& a, const exposed_port& b) {
                  return a.port != b.port ? a.port < b.port : a.protocol < b.protocol;
              });
    return out;
}

std::vector<network_gateway> parse_gateways(const json& settings) {
    std::vector<network_gateway> out;
    if (const json* networks = object_member(settings, "Networks")) {
        for (auto it = networks->begin(); it != networks->end(); ++it)
            for (const char* key : {"Gateway", "IPv6Gateway"})
                if (auto g = string_member(it.value(), key); !g.empty()) out.push_back({std::move(g), it.key()});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a.address, a.network) < std::tie(b.address, b.network);
    });
    return out;
}

std::vector<network_endpoint> parse_networks(const json& settings) {
    std::vector<network_endpoint> out;
    if (const json* networks = object_member(settings, "Networks")) {
        for (auto it = networks->begin(); it != networks->end(); ++it) {
            network_endpoint n;
            n.name = it.key();
            n.id = string_member(it.value(), "NetworkID");
            n.ip_address = string_member(it.value(), "IPAddress");
            // IPv6-only networks leave IPAddress empty (Traefik falls back the same way, docker-api.md §4.3 item 12).
            if (n.ip_address.empty()) n.ip_address = string_member(it.value(), "GlobalIPv6Address");
            out.push_back(std::move(n));
        }
    }
    // nlohmann's object is a std::map, so this is sorted already; sort anyway so the order is a stated property.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

}  // namespace

result<container> parse_inspect(std::string_view text) {
    auto j = parse_json(text, "docker inspect");
    if (!j) return j.error();
    if (!j->is_object()) return diagnostic{"docker inspect", "the answer is not a JSON object"};
    container c;
    c.id = string_member(*j, "Id");
    if (c.id.empty()) return diagnostic{"docker inspect", "the answer has no container Id"};
    c.name = string_member(*j, "Name");
    if (!c.name.empty() && c.name.front() == '/') c.name.erase(0, 1);
    if (const json* state = object_member(*j, "State")) {
        c.status = string_member(*state, "Status");
        if (const json* health = object_member(*state, "Health")) c.health = string_member(*health, "Status");
    }
    if (const json* host = object_member(*j, "HostConfig")) c.network_mode = string_member(*host, "NetworkMode");
    if (const json* config = object_member(*j, "Config")) {
        c.labels = string_map_member(*config, "Labels");
        if (const json* exposed = object_member(*config, "ExposedPorts")) {
            for (auto it = exposed->begin(); it != exposed->end(); ++it) {
                int port = 0;
                std::string protocol;
                if (parse_port_key(it.key(), port, protocol) && protocol == "tcp") c.config_exposed_ports.push_back(port);
            }
            std::sort(c.config_exposed_ports.begin(), c.config_exposed_ports.end());
        }
    }
    if (const json* settings = object_member(*j, "NetworkSettings")) {
        c.networks = parse_networks(*settings);
        c.gateways = parse_gateways(*settings);
        c.ports = parse_ports(*settings);
    }
    if (auto it = c.labels.find("com.docker.compose.service"); it != c.labels.end()) c.compose_service = it->second;
    if (auto it = c.labels.find("com.docker.compose.project"); it != c.labels.end()) c.compose_project = it->second;
    return c;
}

result<std::vector<std::string>> parse_container_ids(std::string_view text) {
    auto j = parse_json(text, "docker container list");
    if (!j) return j.error();
    if (!j->is_array()) return diagnostic{"docker container list", "the answer is not a JSON array"};
    std::vector<std::string> ids;
    for (const auto& item : *j)
        if (auto id = string_member(item, "Id"); !id.empty()) ids.push_back(std::move(id));
    return ids;
}

result<engine_version> parse_version(std::string_view text) {
    auto j = parse_json(text, "docker version");
    if (!j) return j.error();
    if (!j->is_object()) return diagnostic{"docker version", "the answer is not a JSON object"};
    engine_version v;
    v.version = string_member(*j, "Version");
    v.api_version = string_member(*j, "ApiVersion");
    v.min_api_version = string_member(*j, "MinAPIVersion");
    if (v.min_api_version.empty()) v.min_api_version = "1.12";  // the field exists since API 1.25
    if (v.api_version.empty()) return diagnostic{"docker version", "the answer has no ApiVersion"};
    if (const json* components = member(*j, "Components"); components && components->is_array())
        for (const auto& c : *components)
            if (ascii_lower(string_member(c, "Name")).find("podman") != std::string::npos) v.podman = true;
    return v;
}

std::string parse_error_message(std::string_view body) {
    json j = json::parse(body.begin(), body.end(), nullptr, false);
    if (!j.is_discarded() && j.is_object())
        if (auto m = string_member(j, "message"); !m.empty()) return m;
    return std::string(trim(body.substr(0, 300)));
}

std::optional<std::string> apply_inspect(std::map<std::string, container>& known, const std::string& id,
                                         unsigned status, std::string_view body) {
    if (status == 404) {
        known.erase(id);
        return std::nullopt;
    }
    // Anything but a container (a socket proxy's 403, a 500, JSON that does not parse) says nothing about the
    // container's present state: the old entry is dropped rather than kept, so no stale route outlives a container
    // that died meanwhile. The next event about it, or the next reconnect, inspects it again.
    constexpr std::string_view dropped = "; its routes are removed until an inspect succeeds";
    if (status != 200) {
        known.erase(id);
        return "HTTP " + std::to_string(status) + ": " + parse_error_message(body) + std::string(dropped);
    }
    auto c = parse_inspect(body);
    if (!c) {
        known.erase(id);
        return c.error().to_string() + std::string(dropped);
    }
    if (c->id != id) known.erase(id);  // looked up by a prefix or a name
    known[c->id] = std::move(*c);
    return std::nullopt;
}

}  // namespace sy::providers::docker
