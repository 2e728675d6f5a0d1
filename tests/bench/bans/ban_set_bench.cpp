// The ban list at scale (issue 16), in process: a 100,000-line ban file (90 % IPv4 addresses, 5 % IPv4 /24s, 5 %
// IPv6 /64s; half with an expiry) parsed and built into a ban set, lookups per second on one thread (random
// addresses, about one in ten banned), and the heap the set holds (glibc's mallinfo2 before and after). Prints one
// figure a line; tests/bench/bans_bench.py runs it beside the router-level figures.
//
//   build/tests/bench/bans/ban_set_bench [entries=100000] [lookups=20000000]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bans/ban_file.hpp"
#include "bans/ban_set.hpp"

using namespace sy;
using namespace sy::bans;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_since(clock_type::time_point t) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

std::string v4_text(uint32_t x) {
    return std::to_string(x >> 24) + "." + std::to_string((x >> 16) & 255) + "." + std::to_string((x >> 8) & 255) +
           "." + std::to_string(x & 255);
}

}  // namespace

int main(int argc, char** argv) {
    const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
    const size_t lookups = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 20000000;
    std::mt19937_64 rng(16);
    const unix_seconds now = unix_now();
    std::string file;
    std::vector<uint32_t> banned_v4;
    for (size_t i = 0; i < n; ++i) {
        const uint32_t a = static_cast<uint32_t>(rng());
        if (i % 20 == 0) {
            file += v4_text(a & 0xFFFFFF00u) + "/24";
        } else if (i % 20 == 1) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "2001:db8:%x:%x::/64", static_cast<unsigned>(rng() & 0xFFFF),
                          static_cast<unsigned>(rng() & 0xFFFF));
            file += buf;
        } else {
            file += v4_text(a);
            banned_v4.push_back(a);
        }
        if (i % 2 == 0) file += " " + std::to_string(now + 3600 + static_cast<unix_seconds>(rng() % 86400));
        file += " # fail2ban:dovecot\n";
    }

    // Reload: parse + build, best of 5 (the router does both on its control thread, never on a worker).
    double parse_best = 1e9, build_best = 1e9;
    std::vector<ban_entry> entries;
    for (int round = 0; round < 5; ++round) {
        auto t = clock_type::now();
        auto parsed = parse_ban_file(file);
        parse_best = std::min(parse_best, ms_since(t));
        if (!parsed.errors.empty()) {
            std::fprintf(stderr, "unexpected: %zu malformed lines\n", parsed.errors.size());
            return 1;
        }
        t = clock_type::now();
        const ban_set set(parsed.entries);
        build_best = std::min(build_best, ms_since(t));
        entries = std::move(parsed.entries);
    }

    const auto before = mallinfo2().uordblks;
    auto set = std::make_unique<ban_set>(entries);
    const auto set_bytes = mallinfo2().uordblks - before;
    const size_t entries_bytes = [&] {
        size_t b = entries.capacity() * sizeof(ban_entry);
        for (const auto& e : entries) b += e.comment.capacity() > 15 ? e.comment.capacity() + 1 : 0;
        return b;
    }();

    // Lookups: 9 in 10 random IPv4 addresses (mostly not banned), 1 in 10 a banned one; every 16th IPv6.
    std::vector<ip_address> probes;
    probes.reserve(1 << 16);
    for (size_t i = 0; i < (1u << 16); ++i) {
        if (i % 16 == 15) {
            boost::asio::ip::address_v6::bytes_type b{0x20, 0x01, 0x0d, 0xb8};
            for (size_t k = 4; k < 16; ++k) b[k] = static_cast<unsigned char>(rng());
            probes.emplace_back(boost::asio::ip::address_v6(b));
        } else if (i % 10 == 0) {
            probes.emplace_back(boost::asio::ip::address_v4(banned_v4[rng() % banned_v4.size()]));
        } else {
            probes.emplace_back(boost::asio::ip::address_v4(static_cast<uint32_t>(rng())));
        }
    }
    size_t hits = 0;
    const auto t = clock_type::now();
    for (size_t i = 0; i < lookups; ++i) hits += set->banned(probes[i & 0xFFFF], now);
    const double secs = ms_since(t) / 1000;

    std::printf("entries                 %zu (%zu file bytes)\n", entries.size(), file.size());
    std::printf("parse_ms                %.1f\n", parse_best);
    std::printf("build_ms                %.1f\n", build_best);
    std::printf("reload_ms               %.1f\n", parse_best + build_best);
    std::printf("lookups_per_second      %.3g (one thread, %zu lookups, %.1f%% banned)\n", lookups / secs, lookups,
                100.0 * static_cast<double>(hits) / static_cast<double>(lookups));
    std::printf("ns_per_lookup           %.1f\n", secs * 1e9 / static_cast<double>(lookups));
    std::printf("set_heap_bytes          %zu (%.1f per entry)\n", set_bytes,
                static_cast<double>(set_bytes) / static_cast<double>(entries.size()));
    std::printf("parsed_entries_bytes    %zu (the router keeps them beside the set, to merge with CrowdSec's)\n",
                entries_bytes);
    return 0;
}
