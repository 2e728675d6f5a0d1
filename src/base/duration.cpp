#include "base/duration.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace sy {
namespace {

struct unit {
    std::string_view name;
    double nanoseconds;
};
// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr unit units[] = {{"ns", 1},         {"us", 1e3},  {"\xC2\xB5s", 1e3}, {"\xCE\xBCs", 1e3},
                          {"ms", 1e6},       {"s", 1e9},   {"m", 60e9},         {"h", 3600e9}};

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

result<duration> parse_duration(std::string_view text) {
    const std::string original(text);
    auto bad = [&](std::string why) { return diagnostic{"", "invalid duration \"" + original + "\": " + why}; };
    if (text.empty()) return bad("empty");
    bool negative = false;
    if (text.front() == '-' || text.front() == '+') {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (all_digits(text)) {  // Traefik (ptypes.Duration): a bare integer counts seconds.
        long long seconds = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc{} || seconds > 9'000'000'000LL) return bad("out of range");
        auto d = std::chrono::duration_cast<duration>(std::chrono::seconds(seconds));
        return negative ? -d : d;
    }
    if (text == "0") return duration::zero();
    double total = 0;
    while (!text.empty()) {
        size_t i = 0;
        while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
        if (i == 0) return bad("expected a number");
        double value = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + i, value);
        if (ec != std::errc{} || p != text.data() + i) return bad("bad number");
        text.remove_prefix(i);
        const unit* found = nullptr;
        for (const auto& u : units) {
            if (text.substr(0, u.name.size()) == u.name && (!found || u.name.size() > found->name.size())) found = &u;
        }
        if (!found) return bad(text.empty() ? "missing unit" : "unknown unit \"" + std::string(text) + "\"");
        text.remove_prefix(found->name.size());
        total += value * found->nanoseconds;
    }
    if (total > 9.2e18) return bad("out of range");
    auto d = duration(static_cast<duration::rep>(std::llround(total)));
    return negative ? -d : d;
}

std::string format_duration(duration d) {
    using namespace std::chrono;
    if (d == duration::zero()) return "0s";
    std::string out;
    if (d < duration::zero()) {
        out = "-";
        d = -d;
    }
    if (d < seconds(1)) {
        if (d % milliseconds(1) == duration::zero()) return out + std::to_string(d / milliseconds(1)) + "ms";
        if (d % microseconds(1) == duration::zero()) return out + std::to_string(d / microseconds(1)) + "us";
        return out + std::to_string(d.count()) + "ns";
    }
    auto h = duration_cast<hours>(d);
    d -= h;
    auto m = duration_cast<minutes>(d);
    d -= m;
    if (h.count()) out += std::to_string(h.count()) + "h";
    if (h.count() || m.count()) out += std::to_string(m.count()) + "m";
    auto s = duration_cast<seconds>(d);
    d -= s;
    out += std::to_string(s.count());
    if (d != duration::zero()) {
        std::string frac = std::to_string(d.count() + 1'000'000'000LL).substr(1);
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        out += "." + frac;
    }
    return out + "s";
}

}  // namespace sy
