// Fuzz target: sy::bans::parse_ban_file over arbitrary file contents, and the ban set built from what it accepts.
// Checks, beyond memory safety: every line is an entry, an error or blank (never two of them); line numbers are
// ascending and within the file; an accepted entry's range is found banned in the set built from it; an entry
// written back out (range, expiry, comment) parses to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bans/ban_file.hpp"
#include "bans/ban_set.hpp"
#include "bans/expiry_time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto f = sy::bans::parse_ban_file(text);
    unsigned lines = 1;
    for (char c : text) lines += c == '\n';
    unsigned last = 0;
    size_t ei = 0, ri = 0;
    while (ei < f.entries.size() || ri < f.errors.size()) {
        const unsigned a = ei < f.entries.size() ? f.entries[ei].line : ~0u;
        const unsigned b = ri < f.errors.size() ? f.errors[ri].line : ~0u;
        const unsigned next = a < b ? a : b;
        if (next <= last || next > lines || a == b) std::abort();
        last = next;
        if (a < b) ++ei; else ++ri;
    }
    for (const auto& e : f.errors)
        if (e.what.empty() || e.text.size() > 200) std::abort();
    const sy::bans::ban_set set(f.entries);
    if (set.entries() != f.entries.size()) std::abort();
    for (const auto& e : f.entries) {
        if (e.expires > 1 && !set.banned(e.range.network, 1)) std::abort();
        std::string line = e.range.to_string();
        if (e.expires < 0) continue;  // before 1970 (RFC 3339 allows year 0000): no unix-seconds form to write
        if (e.expires != sy::bans::never) line += " " + std::to_string(e.expires);
        if (!e.comment.empty()) line += " # " + e.comment;
        const auto again = sy::bans::parse_ban_file(line);
        if (again.entries.size() != 1 || !again.errors.empty()) std::abort();
        if (again.entries[0].range != e.range || again.entries[0].expires != e.expires ||
            again.entries[0].comment != e.comment)
            std::abort();
    }
    return 0;
}
