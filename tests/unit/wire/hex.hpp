#pragma once
// Test bytes written as annotated hex, HAProxy .vtc style: whitespace is ignored and '#' starts a comment that runs
// to the end of the line, so every field can carry its meaning beside it.
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sy::wire::test {

using bytes = std::vector<std::byte>;

inline bytes hex(std::string_view annotated) {
    bytes out;
    int high = -1;
    for (size_t i = 0; i < annotated.size(); ++i) {
        const char c = annotated[i];
        if (c == '#') {
            while (i < annotated.size() && annotated[i] != '\n') ++i;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
        const int v = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
        if (v < 0) throw std::invalid_argument("hex: bad character '" + std::string(1, c) + "'");
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::byte>(high * 16 + v));
            high = -1;
        }
    }
    if (high >= 0) throw std::invalid_argument("hex: odd number of digits");
    return out;
}

inline bytes text(std::string_view s) {
    bytes out(s.size());
    for (size_t i = 0; i < s.size(); ++i) out[i] = static_cast<std::byte>(s[i]);
    return out;
}

inline bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline std::span<const std::byte> prefix(const bytes& b, size_t n) { return std::span<const std::byte>(b).first(n); }

}  // namespace sy::wire::test
