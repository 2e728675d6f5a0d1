#include "runtime/live_state.hpp"

#include <cstring>
#include <string_view>

namespace sy::runtime {

namespace {

in_flight_table::key key_of(const ip_address& ip) {
    in_flight_table::key k{};
    const ip_address a = unmap(ip);
    if (a.is_v4()) {
        // ::ffff:a.b.c.d, so an address written either way is one client.
        const auto b = a.to_v4().to_bytes();
        k[10] = k[11] = 0xff;
        std::memcpy(k.data() + 12, b.data(), 4);
    } else {
        const auto b = a.to_v6().to_bytes();
        std::memcpy(k.data(), b.data(), 16);
    }
    return k;
}

}  // namespace

std::size_t in_flight_table::key_hash::operator()(const key& k) const noexcept {
    return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(k.data()), k.size()));
}

in_flight_table::shard& in_flight_table::shard_of(const key& k) { return shards_[key_hash{}(k) % shards_.size()]; }

bool in_flight_table::try_take(const ip_address& client, int64_t amount) {
    const key k = key_of(client);
    auto& s = shard_of(k);
    std::lock_guard lock(s.mutex);
    auto [it, inserted] = s.open.try_emplace(k, 0);
    if (it->second >= amount) {
        if (it->second == 0) s.open.erase(it);
        return false;
    }
    ++it->second;
    return true;
}

void in_flight_table::give_back(const ip_address& client) {
    const key k = key_of(client);
    auto& s = shard_of(k);
    std::lock_guard lock(s.mutex);
    auto it = s.open.find(k);
    if (it != s.open.end() && --it->second <= 0) s.open.erase(it);
}

int64_t in_flight_table::open(const ip_address& client) const {
    const key k = key_of(client);
    const auto& s = shards_[key_hash{}(k) % shards_.size()];
    std::lock_guard lock(s.mutex);
    auto it = s.open.find(k);
    return it == s.open.end() ? 0 : it->second;
}

std::shared_ptr<in_flight_table> live_state::in_flight(const std::string& middleware, const std::string& router,
                                                       const std::string& entry_point) {
    std::string key = middleware;
    key += '\x1f';
    key += router;
    key += '\x1f';
    key += entry_point;
    std::lock_guard lock(mutex_);
    auto& slot = in_flight_[key];
    if (!slot.table) slot.table = std::make_shared<in_flight_table>();
    slot.last_used = clock::now();
    return slot.table;
}

std::shared_ptr<server_health> live_state::health(const std::string& key, bool actively_checked) {
    std::lock_guard lock(mutex_);
    auto& slot = health_[key];
    if (!slot.state) slot.state = std::make_shared<server_health>(actively_checked);
    slot.last_used = clock::now();
    return slot.state;
}

std::size_t live_state::forget_unused(clock::time_point cutoff) {
    std::lock_guard lock(mutex_);
    return std::erase_if(in_flight_, [&](const auto& kv) { return kv.second.last_used < cutoff; }) +
           std::erase_if(health_, [&](const auto& kv) { return kv.second.last_used < cutoff; });
}

std::size_t live_state::size() const {
    std::lock_guard lock(mutex_);
    return in_flight_.size() + health_.size();
}

}  // namespace sy::runtime
