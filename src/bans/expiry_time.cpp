#include "bans/expiry_time.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace sy::bans {

namespace {

/// Reads exactly `n` digits at `pos`; false if any is not a digit.
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

result<unix_seconds> parse_rfc3339(std::string_view s, const diagnostic& bad) {
    // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm); RFC 3339 allows 't' and 'z' too.
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
        !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
        return bad;
    size_t pos = 19;
    if (s[pos] == '.') {
        const size_t start = ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return bad;
    }
    int offset_minutes = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh = 0, om = 0;
        if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
            oh > 23 || om > 59)
            return bad;
        offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
        pos += 6;
    } else {
        return bad;
    }
    if (pos != s.size()) return bad;
    using namespace std::chrono;
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    // RFC 3339 allows a leap second (60); it is taken as the next second's start.
    if (!date.ok() || h > 23 || mi > 59 || se > 60)
        return diagnostic{"", "expiry \"" + std::string(s) + "\" is not a valid date and time"};
    const auto days = sys_days{date}.time_since_epoch().count();
    return static_cast<unix_seconds>(days) * 86400 + h * 3600 + mi * 60 + se - offset_minutes * 60;
}

}  // namespace

result<unix_seconds> parse_expiry(std::string_view text) {
    const diagnostic bad{"", "expiry \"" + std::string(text) +
                                 "\" is neither RFC 3339 (2026-12-02T06:00:00Z) nor unix seconds (1796191200)"};
    if (text.empty()) return bad;
    bool all_digits = true;
    for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
    if (all_digits) {
        // 12 digits reach past RFC 3339's year 9999; more is a mistake (milliseconds, most likely).
        if (text.size() > 12)
            return diagnostic{"", "expiry \"" + std::string(text) + "\" is too large for unix seconds (milliseconds?)"};
        unix_seconds v = 0;
        for (char c : text) v = v * 10 + (c - '0');
        return v;
    }
    return parse_rfc3339(text, bad);
}

std::string format_expiry(unix_seconds t) {
    if (t == never) return {};
    using namespace std::chrono;
    const sys_seconds at{seconds{t}};
    const auto day_start = floor<days>(at);
    const year_month_day date{day_start};
    const hh_mm_ss clock{at - day_start};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(date.year()), unsigned(date.month()),
                  unsigned(date.day()), long(clock.hours().count()), long(clock.minutes().count()),
                  static_cast<long long>(clock.seconds().count()));
    return buf;
}

}  // namespace sy::bans
