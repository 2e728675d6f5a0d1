#include "bans/ban_file.hpp"

#include <charconv>

#include "bans/expiry_time.hpp"

namespace sy::bans {

namespace {

constexpr size_t max_kept_text = 200;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

bool printable(std::string_view s) {
    for (char c : s)
        if (!blank(c) && (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)) return false;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

/// Clears the bits past `prefix`, so equal networks compare equal however they were written.
ip_address network_of(const ip_address& a, unsigned prefix) {
    auto clear = [prefix](auto bytes) {
        for (size_t i = 0; i < bytes.size(); ++i) {
            const unsigned start = static_cast<unsigned>(i) * 8;
            if (prefix >= start + 8) continue;
            const unsigned keep = prefix > start ? prefix - start : 0;
            bytes[i] = static_cast<unsigned char>(bytes[i] & (0xFF00u >> keep));
        }
        return bytes;
    };
    if (a.is_v4()) return boost::asio::ip::address_v4(clear(a.to_v4().to_bytes()));
    return boost::asio::ip::address_v6(clear(a.to_v6().to_bytes()));
}

}  // namespace

result<cidr> parse_ban_range(std::string_view text) {
    const auto slash = text.find('/');
    auto ip = parse_ip(text.substr(0, slash));
    if (!ip) return diagnostic{"", "\"" + std::string(text) + "\" is not an IP address or CIDR range"};
    if (text.find('%') != std::string_view::npos)
        return diagnostic{"", "\"" + std::string(text) + "\": a zone (%...) has no place in a ban"};
    const bool mapped = ip->is_v6() && ip->to_v6().is_v4_mapped();
    unsigned max = ip->is_v4() ? 32 : 128;
    unsigned prefix = max;
    if (slash != std::string_view::npos) {
        const auto bits = text.substr(slash + 1);
        auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
        if (bits.empty() || ec != std::errc{} || p != bits.data() + bits.size() || prefix > max)
            return diagnostic{"", "\"" + std::string(text) + "\": prefix length must be 0-" + std::to_string(max)};
    }
    if (mapped) {
        // ::ffff:a.b.c.d/p names IPv4 addresses only when p >= 96; a shorter prefix reaches beyond the mapped
        // block, which IPv4 clients never come from (they are unmapped before any lookup).
        if (prefix < 96)
            return diagnostic{"", "\"" + std::string(text) +
                                      "\": an IPv4-mapped range needs a prefix of 96 or more (write the IPv4 range)"};
        return cidr{network_of(unmap(*ip), prefix - 96), prefix - 96};
    }
    return cidr{network_of(*ip, prefix), prefix};
}

ban_file parse_ban_file(std::string_view text) {
    ban_file out;
    unsigned number = 0;
    for (bool more = true; more;) {
        ++number;
        const auto eol = text.find('\n');
        more = eol != std::string_view::npos;
        const std::string_view raw = text.substr(0, eol);
        text = more ? text.substr(eol + 1) : std::string_view{};
        auto fail = [&](std::string what) {
            out.errors.push_back({number, std::string(raw.substr(0, max_kept_text)), std::move(what)});
        };
        std::string_view body = raw;
        std::string_view comment;
        if (const auto hash = raw.find('#'); hash != std::string_view::npos) {
            body = raw.substr(0, hash);
            comment = trim(raw.substr(hash + 1));
        }
        body = trim(body);
        if (body.empty()) continue;
        if (!printable(body)) {
            // inet_pton would stop at a NUL and take "192.0.2.7\0junk" for 192.0.2.7.
            fail("the entry contains a control or non-ASCII byte");
            continue;
        }
        std::string_view tokens[3];
        size_t count = 0;
        while (!body.empty() && count < 3) {
            size_t end = 0;
            while (end < body.size() && !blank(body[end])) ++end;
            tokens[count++] = body.substr(0, end);
            body = trim(body.substr(end));
        }
        if (count == 3 || !body.empty()) {
            fail("unexpected \"" + std::string(tokens[2]) +
                 "\" after the expiry (one entry a line: ADDRESS[/PREFIX] [EXPIRY] [# comment])");
        } else if (auto range = parse_ban_range(tokens[0]); !range) {
            fail(range.error().what);
        } else {
            ban_entry e;
            e.range = *range;
            e.line = number;
            e.comment = std::string(comment);
            bool ok = true;
            if (count == 2) {
                auto expiry = parse_expiry(tokens[1]);
                if (expiry) {
                    e.expires = *expiry;
                } else {
                    fail(expiry.error().what);
                    ok = false;
                }
            }
            if (ok) out.entries.push_back(std::move(e));
        }
    }
    return out;
}

}  // namespace sy::bans
