#include "telemetry/history.hpp"

#include <set>

namespace sy::telemetry {

namespace {

void push(std::map<std::string, traffic_history::series>& into, const std::string& key, const traffic_counters& c) {
    auto& s = into[key].points;
    const auto t = c.read();
    s.push_back({t.open, t.bytes_in, t.bytes_out});
    if (s.size() > traffic_history::points) s.pop_front();
}

}  // namespace

void traffic_history::sample(const registry& counters, std::chrono::system_clock::time_point now) {
    times_.push_back(now);
    if (times_.size() > points) times_.pop_front();
    // Elements the registry forgot leave the history too, so it stays as bounded as /metrics.
    std::set<std::string> seen;
    auto keep = [&](std::map<std::string, series>& m) {
        std::erase_if(m, [&](const auto& kv) { return !seen.contains(kv.first); });
        seen.clear();
    };
    counters.for_each_router([&](const std::string& k, const traffic_counters& c) {
        push(routers_, k, c);
        seen.insert(k);
    });
    keep(routers_);
    counters.for_each_service([&](const std::string& k, const traffic_counters& c) {
        push(services_, k, c);
        seen.insert(k);
    });
    keep(services_);
    counters.for_each_server([&](const std::string& k, const server_counters& c) {
        push(servers_, k, c.traffic);
        seen.insert(k);
    });
    keep(servers_);
}

}  // namespace sy::telemetry
