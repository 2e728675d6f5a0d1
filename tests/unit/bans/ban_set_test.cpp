// The ban set against a brute-force oracle (every entry's cidr::contains and expiry) on random data, and at scale.
#include "bans/ban_set.hpp"

#include <chrono>
#include <random>
#include <unordered_set>

#include "bans/ban_file.hpp"
#include "sy_catch.hpp"

using namespace sy;
using namespace sy::bans;
namespace ip = boost::asio::ip;

namespace {

bool oracle(const std::vector<ban_entry>& entries, const ip_address& a, unix_seconds now) {
    for (const auto& e : entries)
        if (e.range.contains(a) && now < e.expires) return true;
    return false;
}

size_t oracle_active(const std::vector<ban_entry>& entries, unix_seconds now) {
    size_t n = 0;
    for (const auto& e : entries) n += now < e.expires;
    return n;
}

ip_address v4(uint32_t x) { return ip::address_v4(x); }

ip_address v6(uint64_t high, uint64_t low) {
    ip::address_v6::bytes_type b{};
    for (int i = 0; i < 8; ++i) {
        b[i] = static_cast<unsigned char>(high >> (56 - 8 * i));
        b[8 + i] = static_cast<unsigned char>(low >> (56 - 8 * i));
    }
    return ip::address_v6(b);
}

ip_address mapped(uint32_t x) { return ip::make_address_v6(ip::v4_mapped, ip::address_v4(x)); }

cidr network(const ip_address& a, unsigned prefix) {
    return *parse_ban_range(a.to_string() + "/" + std::to_string(prefix));
}

}  // namespace

TEST_CASE("ban set: random IPv4 and IPv6 ranges with random expiries agree with the oracle") {
    std::mt19937_64 rng(20261202);
    const unix_seconds now = 1796191200;
    for (int round = 0; round < 40; ++round) {
        INFO("round " << round);
        // Addresses in a small space (10.0.0.0/20, 2001:db8::/116 and the same low bits) so ranges overlap often.
        auto pick4 = [&] { return 0x0A000000u | static_cast<uint32_t>(rng() & 0xFFF); };
        auto pick6 = [&] { return v6(0x20010db800000000ull, rng() & 0xFFF); };
        auto expiry = [&]() -> unix_seconds {
            switch (rng() % 4) {
            case 0: return never;
            case 1: return now - static_cast<unix_seconds>(rng() % 100);    // already expired
            case 2: return now + 1 + static_cast<unix_seconds>(rng() % 100);  // later
            default: return now;                                          // expires this very second
            }
        };
        std::vector<ban_entry> entries;
        const int n = 1 + static_cast<int>(rng() % 60);
        for (int i = 0; i < n; ++i) {
            ban_entry e;
            if (rng() % 2) {
                e.range = network(v4(pick4()), 20 + static_cast<unsigned>(rng() % 13));
            } else {
                e.range = network(pick6(), 116 + static_cast<unsigned>(rng() % 13));
            }
            e.expires = expiry();
            entries.push_back(e);
        }
        const ban_set set(entries);
        CHECK(set.entries() == entries.size());
        for (unix_seconds t : {now - 200, now - 1, now, now + 50, now + 500}) CHECK(set.active(t) == oracle_active(entries, t));
        for (int q = 0; q < 3000; ++q) {
            const uint32_t a4 = pick4();
            const auto a6 = pick6();
            const unix_seconds t = now - 150 + static_cast<unix_seconds>(rng() % 300);
            INFO(v4(a4).to_string() << " " << a6.to_string() << " at " << t);
            const bool want4 = oracle(entries, v4(a4), t);
            REQUIRE(set.banned(v4(a4), t) == want4);
            REQUIRE(set.banned(mapped(a4), t) == want4);  // IPv4-mapped IPv6 is the IPv4 address
            REQUIRE(set.banned(a6, t) == oracle(entries, a6, t));
        }
    }
}

TEST_CASE("ban set: the ends of each family, /0, and an IPv4 ban never matching IPv6 (and back)") {
    std::vector<ban_entry> entries{{network(v4(0xFFFFFFFFu), 32), never, "", 1},
                                   {network(v4(0), 32), never, "", 2},
                                   {network(v6(~0ull, ~0ull), 128), never, "", 3}};
    const ban_set ends(entries);
    CHECK(ends.banned(v4(0xFFFFFFFFu), 0 + 1));
    CHECK(ends.banned(v4(0), 1));
    CHECK_FALSE(ends.banned(v4(1), 1));
    CHECK_FALSE(ends.banned(v4(0xFFFFFFFEu), 1));
    CHECK(ends.banned(v6(~0ull, ~0ull), 1));
    CHECK_FALSE(ends.banned(v6(~0ull, ~0ull - 1), 1));
    CHECK_FALSE(ends.banned(v6(0, 0), 1));

    const ban_set everything4(std::vector<ban_entry>{{network(v4(0), 0), never, "", 1}});
    CHECK(everything4.banned(v4(0x7F000005u), 1));
    CHECK(everything4.banned(mapped(0x7F000005u), 1));
    CHECK_FALSE(everything4.banned(v6(0x20010db800000000ull, 1), 1));
    const ban_set everything6(std::vector<ban_entry>{{network(v6(0, 0), 0), never, "", 1}});
    CHECK(everything6.banned(v6(0x20010db800000000ull, 1), 1));
    CHECK_FALSE(everything6.banned(v4(0x7F000005u), 1));  // as Go's net.IPNet: an IPv6 range holds no IPv4 client
    CHECK(ban_set{}.entries() == 0);
    CHECK_FALSE(ban_set{}.banned(v4(1), 1));
}

TEST_CASE("ban set: overlapping entries, the latest expiry wins; expiries stop applying with time alone") {
    const auto f = parse_ban_file("192.0.2.0/24 100\n"
                                  "192.0.2.7 200\n"
                                  "192.0.2.128/25 50\n");
    REQUIRE(f.errors.empty());
    const ban_set set(f.entries);
    const auto in = *parse_ip("192.0.2.7"), other = *parse_ip("192.0.2.8"), high = *parse_ip("192.0.2.200");
    CHECK(set.banned_until(in, 10) == 200);
    CHECK(set.banned_until(other, 10) == 100);
    CHECK(set.banned_until(high, 10) == 100);
    CHECK(set.banned(in, 150));
    CHECK_FALSE(set.banned(other, 150));
    CHECK_FALSE(set.banned(in, 200));  // the expiry's own second is free
    CHECK(set.active(60) == 2);
    CHECK(set.next_expiry(10) == 50);
    CHECK(set.next_expiry(100) == 200);
    CHECK(set.next_expiry(200) == never);
}

TEST_CASE("ban set: 100,000 entries are looked up by binary search, not a scan") {
    std::mt19937 rng(7);
    std::vector<ban_entry> entries;
    std::unordered_set<uint32_t> banned;
    while (entries.size() < 100000) {
        const uint32_t a = rng();
        if (!banned.insert(a).second) continue;
        entries.push_back({cidr{v4(a), 32}, never, "", 0});
    }
    const auto start = std::chrono::steady_clock::now();
    const ban_set set(entries);
    size_t hits = 0, expected = 0;
    // 200,000 lookups: half of them banned addresses. A linear scan would take 2·10^10 comparisons (minutes);
    // the bound below is generous for sanitizer builds and still far from that.
    for (int i = 0; i < 200000; ++i) {
        const uint32_t a = i % 2 ? entries[static_cast<size_t>(i / 2) % entries.size()].range.network.to_v4().to_uint()
                                 : static_cast<uint32_t>(rng());
        expected += banned.count(a);
        hits += set.banned(v4(a), 1);
    }
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(hits == expected);
    CHECK(took < std::chrono::seconds(10));
    CHECK(set.active(1) == 100000);
}
