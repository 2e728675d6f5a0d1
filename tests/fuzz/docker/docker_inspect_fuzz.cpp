// Fuzz target: the Docker provider's parsers of the Engine API's JSON (inspect, list, version, one events line) and,
// for an inspect answer that parses, the whole container → configuration path (labels decoded, defaults applied,
// merged). The daemon's answers and every label are untrusted input (docker-api.md §5.5).
// Checks beyond memory safety: parsed ports are sorted and in range, the id is never empty, and the line splitter
// returns exactly the complete lines of the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "providers/docker/events.hpp"
#include "providers/docker/inspect.hpp"
#include "providers/docker/provider_config.hpp"

using namespace sy::providers::docker;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto c = parse_inspect(text)) {
        if (c->id.empty()) std::abort();
        for (size_t i = 0; i < c->ports.size(); ++i) {
            if (c->ports[i].port <= 0 || c->ports[i].port > 65535) std::abort();
            if (i > 0 && c->ports[i - 1].port > c->ports[i].port) std::abort();
        }
        std::map<std::string, container> all{{c->id, *c}};
        build_options options;
        auto built = build_provider_message(all, options);
        for (const auto& [name, s] : built.message.config.services)
            if (s.load_balancer)
                for (const auto& server : s.load_balancer->servers)
                    if (!server.port.empty()) std::abort();  // always joined into the address
    }
    (void)parse_container_ids(text);
    (void)parse_version(text);
    (void)parse_error_message(text);

    line_splitter lines(4096);
    const bool fits = lines.feed(text);
    size_t complete = 0;
    while (auto line = lines.next()) {
        ++complete;
        if (line->find('\n') != std::string::npos) std::abort();
        if (auto e = parse_event(*line)) (void)container_to_refresh(*e);
    }
    if (fits && complete > size) std::abort();
    return 0;
}
