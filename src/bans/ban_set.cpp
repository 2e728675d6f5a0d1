#include "bans/ban_set.hpp"

#include <algorithm>
#include <chrono>
#include <map>

namespace sy::bans {

namespace {

using u128 = uint128;

u128 key_of(const boost::asio::ip::address_v6& a) {
    u128 k = 0;
    for (unsigned char b : a.to_bytes()) k = (k << 8) | b;
    return k;
}

template <class Key>
struct span_of {
    Key first;
    Key last;  ///< inclusive, so the family's last address needs no "one past" value
    unix_seconds until;
};

template <class Key>
span_of<Key> span_from(Key network, unsigned prefix, unsigned width, unix_seconds until) {
    const unsigned host_bits = width - prefix;
    const Key host_mask = host_bits == 0 ? Key{0} : host_bits >= width ? ~Key{0} : (Key{1} << host_bits) - 1;
    return {static_cast<Key>(network & ~host_mask), static_cast<Key>(network | host_mask), until};
}

/// The sweep: events sorted by address; at each boundary the interval's expiry is the latest of the spans open
/// there. Neighbouring intervals with the same expiry are merged.
template <class Key>
interval_table<Key> build_table(std::vector<span_of<Key>> spans) {
    interval_table<Key> t;
    if (spans.empty()) return t;
    struct event {
        Key at;
        bool opens;
        unix_seconds until;
    };
    std::vector<event> events;
    events.reserve(spans.size() * 2);
    for (const auto& s : spans) {
        events.push_back({s.first, true, s.until});
        if (s.last != ~Key{0}) events.push_back({static_cast<Key>(s.last + 1), false, s.until});
    }
    std::sort(events.begin(), events.end(), [](const event& a, const event& b) { return a.at < b.at; });
    std::map<unix_seconds, size_t> open;  // expiry → how many open spans have it
    for (size_t i = 0; i < events.size();) {
        const Key at = events[i].at;
        for (; i < events.size() && events[i].at == at; ++i) {
            if (events[i].opens) {
                ++open[events[i].until];
            } else if (auto it = open.find(events[i].until); --it->second == 0) {
                open.erase(it);
            }
        }
        const unix_seconds until = open.empty() ? 0 : open.rbegin()->first;
        if (!t.until.empty() && t.until.back() == until) continue;
        t.starts.push_back(at);
        t.until.push_back(until);
    }
    return t;
}

}  // namespace

unix_seconds unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

template <class Key>
unix_seconds interval_table<Key>::find(Key k) const {
    auto it = std::upper_bound(starts.begin(), starts.end(), k);
    if (it == starts.begin()) return 0;
    return until[static_cast<size_t>(it - starts.begin()) - 1];
}

template struct interval_table<uint32_t>;
template struct interval_table<u128>;

ban_set::ban_set(std::span<const ban_entry> entries) {
    std::vector<span_of<uint32_t>> v4;
    std::vector<span_of<u128>> v6;
    expiries_.reserve(entries.size());
    for (const auto& e : entries) {
        expiries_.push_back(e.expires);
        if (e.expires <= 0) continue;  // expired before the epoch's first second: never applies
        const ip_address a = unmap(e.range.network);
        if (a.is_v4()) {
            const unsigned prefix = std::min(e.range.prefix, 32u);
            v4.push_back(span_from<uint32_t>(a.to_v4().to_uint(), prefix, 32, e.expires));
        } else {
            v6.push_back(span_from<u128>(key_of(a.to_v6()), std::min(e.range.prefix, 128u), 128, e.expires));
        }
    }
    std::sort(expiries_.begin(), expiries_.end());
    v4_ = build_table(std::move(v4));
    v6_ = build_table(std::move(v6));
}

unix_seconds ban_set::banned_until(const ip_address& address, unix_seconds now) const {
    const ip_address a = unmap(address);
    const unix_seconds until = a.is_v4() ? v4_.find(a.to_v4().to_uint()) : v6_.find(key_of(a.to_v6()));
    return now < until ? until : 0;
}

bool ban_set::banned(const ip_address& address, unix_seconds now) const { return banned_until(address, now) != 0; }

size_t ban_set::active(unix_seconds now) const {
    return static_cast<size_t>(expiries_.end() - std::upper_bound(expiries_.begin(), expiries_.end(), now));
}

unix_seconds ban_set::next_expiry(unix_seconds now) const {
    auto it = std::upper_bound(expiries_.begin(), expiries_.end(), now);
    return it == expiries_.end() ? never : *it;
}

}  // namespace sy::bans
