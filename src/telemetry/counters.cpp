#include "telemetry/counters.hpp"

#include <algorithm>
#include <type_traits>

namespace sy::telemetry {

traffic_counters::traffic_counters(std::size_t shards)
    : shards_(std::make_unique<traffic_shard[]>(std::max<std::size_t>(shards, 1))),
      count_(std::max<std::size_t>(shards, 1)) {}

traffic_totals traffic_counters::read() const {
    traffic_totals t;
    for (std::size_t i = 0; i < count_; ++i) {
        const auto& s = shards_[i];
        t.open += s.open.load(std::memory_order_relaxed);
        t.total += s.total.load(std::memory_order_relaxed);
        t.bytes_in += s.bytes_in.load(std::memory_order_relaxed);
        t.bytes_out += s.bytes_out.load(std::memory_order_relaxed);
    }
    return t;
}

outcome_counters::outcome_counters(std::size_t shards)
    : shards_(std::make_unique<shard_type[]>(std::max<std::size_t>(shards, 1))),
      count_(std::max<std::size_t>(shards, 1)) {}

uint64_t outcome_counters::read(outcome o) const {
    uint64_t n = 0;
    for (std::size_t i = 0; i < count_; ++i)
        n += shards_[i].by[static_cast<std::size_t>(o)].load(std::memory_order_relaxed);
    return n;
}

registry::registry(std::size_t shards, clock::time_point (*now)()) : shards_(std::max<std::size_t>(shards, 1)), now_(now) {}

namespace {

template <class T> T* make_block(std::size_t shards) { return new T(shards); }

}  // namespace

template <class T>
std::shared_ptr<T> registry::get(std::map<std::string, used<T>>& m, const std::string& key) {
    std::lock_guard lock(mutex_);
    auto& slot = m[key];
    if (!slot.block) slot.block.reset(make_block<T>(shards_));
    slot.last_used = now_();
    return slot.block;
}

traffic_counters& registry::entry_point(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto& slot = entry_points_[name];
    if (!slot) slot = std::make_unique<traffic_counters>(shards_);
    return *slot;
}

outcome_counters& registry::outcomes(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto& slot = outcomes_[name];
    if (!slot) slot = std::make_unique<outcome_counters>(shards_);
    return *slot;
}

std::shared_ptr<traffic_counters> registry::router(const std::string& name) { return get(routers_, name); }
std::shared_ptr<traffic_counters> registry::service(const std::string& name) { return get(services_, name); }
std::shared_ptr<server_counters> registry::server(const std::string& service, const std::string& address) {
    return get(servers_, service + '\x1f' + address);
}

std::size_t registry::forget_unused(clock::time_point cutoff) {
    std::lock_guard lock(mutex_);
    std::size_t gone = 0;
    auto sweep = [&](auto& m) {
        gone += std::erase_if(m, [&](const auto& kv) { return kv.second.last_used < cutoff; });
    };
    sweep(routers_);
    sweep(services_);
    sweep(servers_);
    return gone;
}

std::size_t registry::size() const {
    std::lock_guard lock(mutex_);
    return routers_.size() + services_.size() + servers_.size();
}

}  // namespace sy::telemetry
