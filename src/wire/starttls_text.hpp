#pragma once
// Line framing and case-insensitive words shared by the STARTTLS command and reply parsers. Internal to sy::wire.
#include <cstddef>
#include <span>
#include <string_view>

namespace sy::wire::mail_text {

inline std::string_view as_text(std::span<const std::byte> b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequal(s.substr(0, prefix.size()), prefix);
}

inline std::string_view trim_blanks(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// One line at the start of `text`: its content without the line end, and its length with it (0: no line end yet).
struct framed_line {
    std::string_view content;
    size_t length = 0;
};

/// A line ends at LF; a CR before it is not content. A lone CR is content (and no command or reply word has one).
inline framed_line next_line(std::string_view text) noexcept {
    const size_t lf = text.find('\n');
    if (lf == std::string_view::npos) return {};
    std::string_view content = text.substr(0, lf);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    return {content, lf + 1};
}

/// The first blank-separated word of `s` and what follows it (blanks trimmed).
inline std::string_view first_word(std::string_view s, std::string_view& rest) noexcept {
    s = trim_blanks(s);
    size_t end = 0;
    while (end < s.size() && s[end] != ' ' && s[end] != '\t') ++end;
    rest = trim_blanks(s.substr(end));
    return s.substr(0, end);
}

}  // namespace sy::wire::mail_text
