// Fuzz target: the Swarm provider's parsers of a manager's JSON (/services, /tasks, /nodes, /networks) and, for
// input that parses as any of them, the whole swarm → configuration path (each parsed list combined with the
// others' seeds' shapes: the same bytes read as every list). A manager's answers and every service label are
// untrusted input.
// Checks beyond memory safety: parsed ports and addresses are in range and well formed, and every server the
// mapping produces is a host:port that parses.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/address.hpp"
#include "providers/swarm/swarm_config.hpp"
#include "providers/swarm/swarm_parse.hpp"

using namespace sy::providers::swarm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    swarm_state state;
    if (auto s = parse_services(text)) state.services = std::move(*s);
    if (auto t = parse_tasks(text)) {
        for (const auto& task : *t) {
            for (const auto& p : task.ports)
                if (p.target <= 0 || p.target > 65535 || p.published < 0 || p.published > 65535) std::abort();
            for (const auto& n : task.networks)
                for (const auto& a : n.addresses)
                    if (!sy::parse_ip(a)) std::abort();
        }
        state.tasks = std::move(*t);
    }
    if (auto n = parse_nodes(text)) state.nodes = std::move(*n);
    if (auto w = parse_networks(text)) state.networks = std::move(*w);
    // One array read as all four lists: services' IDs meet tasks' ServiceIDs when the input holds both shapes.
    for (bool bind : {false, true}) {
        sy::providers::docker::build_options options;
        options.provider = "swarm";
        options.use_bind_port_ip = bind;
        auto built = build_swarm_message(state, options);
        for (const auto& [name, s] : built.message.config.services)
            if (s.load_balancer)
                for (const auto& server : s.load_balancer->servers)
                    if (!sy::parse_host_port(server.address)) std::abort();
    }
    return 0;
}
