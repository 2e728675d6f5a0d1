#pragma once
// The /events stream, as bytes → lines → events (docker-api.md §2.5). The stream is JSON Lines inside HTTP chunks;
// a chunk is not an event (it may hold part of one or several), so the de-chunked bytes are split on '\n'.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "providers/docker/container.hpp"

namespace sy::providers::docker {

/// One line of the events stream.
result<event> parse_event(std::string_view line);

/// The container an event asks us to re-inspect, or nothing when the event does not change routing.
/// Container: start die stop kill destroy remove pause unpause health_status* rename update restart.
/// Network: connect / disconnect name the container in Attributes.container.
/// Traefik reacts to start, die and health_status only (docker-api.md §3.9): pause, rename and network changes went
/// unnoticed there until some later start or die.
std::optional<std::string> container_to_refresh(const event& e);

/// Incremental splitter: feed bytes as they arrive, take complete lines. A line longer than `max_line` is an error
/// (a hostile or broken stream must not grow memory without bound).
class line_splitter {
public:
    explicit line_splitter(std::size_t max_line = 1u << 20) : max_line_(max_line) {}

    /// Appends bytes; false when the pending (unterminated) line exceeds the limit.
    bool feed(std::string_view bytes);

    /// The next complete line without its '\n' (and without a trailing '\r'), or nothing.
    std::optional<std::string> next();

private:
    std::string pending_;
    std::size_t start_ = 0;
    std::size_t max_line_;
};

/// The `filters` query value for /events (JSON), and the percent-encoding every query value needs: Go decodes '+'
/// as a space, so everything outside [A-Za-z0-9-._~] is encoded (docker-api.md §1.2).
std::string events_filters_json();
std::string percent_encode(std::string_view s);

}  // namespace sy::providers::docker
