#include "telemetry/outcome.hpp"

namespace sy::telemetry {

namespace {

// In the enum's order (a static_assert below keeps the count honest).
constexpr std::array<std::string_view, outcome_count> names = {
    "closed",          "reset",           "shutdown",          "client_gone",       "proxy_timeout",
    "hello_timeout",   "malformed_proxy", "malformed_tls",     "untrusted_proxy",   "banned",
    "tls_handshake_failed", "tls_handshake_timeout",
    "no_route",        "refused_allow_list", "refused_in_flight", "refused_deny_list", "no_server",
    "no_healthy_server", "dial_failed",   "dial_timeout",      "preamble_failed",
    "starttls_pipelining", "starttls_command_timeout", "starttls_total_timeout",
    "starttls_not_started", "starttls_not_tls", "starttls_hello_timeout", "backend_no_starttls",
    "backend_dialogue_failed", "backend_dialogue_timeout", "backend_trailing_bytes", "backend_tls_failed",
    "internal_error",
};
static_assert(names.back() == "internal_error", "one name per outcome");

}  // namespace

std::string_view to_string(outcome o) {
    const auto i = static_cast<std::size_t>(o);
    return i < names.size() ? names[i] : "unknown";
}

std::optional<outcome> outcome_named(std::string_view name) {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return static_cast<outcome>(i);
    return std::nullopt;
}

}  // namespace sy::telemetry
