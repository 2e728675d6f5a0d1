// Fuzz target: sy::config::decode_labels over arbitrary label sets (input: lines `key=value`; the first '=' splits),
// then on through the merge (beside a fixed file provider) and the runtime builder, as the Docker provider's message
// would go: one pure path from label bytes to a snapshot, so label-controlled values (durations, priorities,
// weights, names with '@') reach the code that converts them, under the sanitizers.
// Checks, beyond memory safety: decoding never throws, is deterministic, and every finding about a router, service
// or middleware names an element that the labels declare (case-insensitively, as names merge); the merge never lets
// a label replace the file's elements; every element gets a status, and one with an error finding is disabled.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "base/concat.hpp"
#include "base/text.hpp"
#include "aggregator/aggregator.hpp"
#include "config/labels.hpp"
#include "runtime/build.hpp"

namespace {

std::map<std::string, std::string> parse_lines(std::string_view in) {
    std::map<std::string, std::string> labels;
    while (!in.empty()) {
        size_t nl = in.find('\n');
        std::string_view line = in.substr(0, nl);
        in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) labels[std::string(line)] = "";
        else labels[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    return labels;
}

bool declared(const std::map<std::string, std::string>& labels, const std::string& name) {
    for (const auto& [k, v] : labels)
        if (sy::ascii_lower(k).find(sy::concat(".", sy::ascii_lower(name))) != std::string::npos) return true;
    return false;
}

/// What the Docker provider adds before publishing: a server address from each `port` label.
sy::config::provider_message docker_message(const sy::config::container_labels& l) {
    sy::config::provider_message m{"docker", l.config, l.findings, {}};
    for (auto& [name, s] : m.config.services)
        if (s.load_balancer)
            for (auto& server : s.load_balancer->servers)
                if (!server.port.empty()) {
                    server.address = "127.0.0.1:" + server.port;
                    server.port.clear();
                }
    return m;
}

/// A file provider's elements that labels must never replace.
sy::config::provider_message file_message() {
    sy::config::provider_message m;
    m.provider = "file";
    auto& s = m.config.services["backend"];
    s.load_balancer.emplace();
    s.load_balancer->servers.push_back({"127.0.0.1:2525", "", false});
    m.config.routers["smtp"] = {{"smtp"}, {}, "backend", "HostSNI(`*`)", "", 0, std::nullopt};
    m.config.middlewares["limit"].in_flight_conn = sy::config::in_flight_conn{10};
    m.config.servers_transports["pp"].proxy_protocol = sy::config::proxy_protocol{2};
    return m;
}

const sy::config::static_config& statics() {
    static const sy::config::static_config s = [] {
        sy::config::static_config c;
        for (auto [name, port] : {std::pair{"smtp", 25}, {"imaps", 993}, {"traefik", 8080}}) {
            sy::config::entry_point ep;
            ep.address = sy::concat(":", std::to_string(port));
            ep.listen = {"", static_cast<uint16_t>(port)};
            c.entry_points[name] = ep;
        }
        c.api.enabled = true;
        c.api.insecure = true;
        return c;
    }();
    return s;
}

template <class Info>
void check_statuses(const std::map<std::string, Info>& infos, sy::config::element_finding::kind k,
                    const std::vector<sy::config::element_finding>& findings) {
    for (const auto& f : findings) {
        if (f.element != k || !f.is_error) continue;
        auto it = infos.find(f.name);
        if (it == infos.end() || it->second.state != sy::runtime::status::disabled) std::abort();
    }
}

void through_the_builder(const sy::config::container_labels& l) {
    static const auto file = file_message();
    const auto merged = sy::aggregator::merge({{"docker", docker_message(l)}, {"file", file}});
    if (!(merged.config.services.at("backend@file") == file.config.services.at("backend")) ||
        !(merged.config.routers.at("smtp@file").service == "backend@file") ||
        !(merged.config.middlewares.at("limit@file") == file.config.middlewares.at("limit")) ||
        !(merged.config.servers_transports.at("pp@file") == file.config.servers_transports.at("pp")))
        std::abort();
    sy::telemetry::registry counters;
    const auto snap = sy::runtime::build(statics(), merged, counters, 1);
    if (snap->routers.size() != merged.config.routers.size() || snap->services.size() != merged.config.services.size() ||
        snap->middlewares.size() != merged.config.middlewares.size())
        std::abort();
    using kind = sy::config::element_finding::kind;
    check_statuses(snap->routers, kind::router, merged.findings);
    check_statuses(snap->services, kind::service, merged.findings);
    check_statuses(snap->middlewares, kind::middleware, merged.findings);
    if (snap->routers.at("smtp@file").state == sy::runtime::status::disabled) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto labels = parse_lines(std::string_view(reinterpret_cast<const char*>(data), size));
    const auto a = sy::config::decode_labels(labels);
    const auto b = sy::config::decode_labels(labels);
    if (!(a.config == b.config) || !(a.findings == b.findings) || a.has_tcp != b.has_tcp) std::abort();
    for (const auto& f : a.findings) {
        if (f.message.empty()) std::abort();
        if (f.element != sy::config::element_finding::kind::other && !declared(labels, f.name)) std::abort();
    }
    if (a.has_tcp && a.config.routers.empty() && a.config.services.empty()) std::abort();
    through_the_builder(a);
    return 0;
}
