#include "wire/starttls_protocol.hpp"

#include <array>

namespace sy::wire {

namespace {

constexpr std::array<std::string_view, 4> names{"smtp", "imap", "pop3", "managesieve"};

bool same_letters(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != b[i]) return false;
    }
    return true;
}

}  // namespace

std::string_view to_string(starttls_protocol p) noexcept { return names[static_cast<size_t>(p)]; }

std::optional<starttls_protocol> starttls_protocol_named(std::string_view name) noexcept {
    for (size_t i = 0; i < names.size(); ++i)
        if (same_letters(name, names[i])) return static_cast<starttls_protocol>(i);
    return std::nullopt;
}

std::size_t max_command_line(starttls_protocol p) noexcept {
    switch (p) {
    case starttls_protocol::smtp: return 512;
    case starttls_protocol::pop3: return 255;
    case starttls_protocol::imap:
    case starttls_protocol::managesieve: return 8192;
    }
    return 512;
}

}  // namespace sy::wire
