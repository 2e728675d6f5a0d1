// Choosing a server: plain round-robin across a load balancer's servers, Traefik's weighted round-robin across a
// weighted service's children. Both are driven by one relaxed atomic counter, so every worker thread shares the
// rotation without a lock.
#include "runtime/snapshot.hpp"
#include "runtime/wrr_schedule.hpp"

#include <algorithm>
#include <numeric>

namespace sy::runtime {

const char* to_string(status s) {
    switch (s) {
        case status::enabled: return "enabled";
        case status::warning: return "warning";
        case status::disabled: return "disabled";
    }
    return "disabled";
}

const server_plan* service_plan::pick() const {
    if (!weighted.empty()) {
        if (schedule.empty()) return nullptr;
        auto n = cursor.fetch_add(1, std::memory_order_relaxed);
        return weighted[schedule[n % schedule.size()]].service->pick();
    }
    if (servers.empty()) return nullptr;
    // Deliberate difference from Traefik: no shuffle at build time, so the first connection after a reload goes to
    // the first server. Over a cycle the spread is the same.
    auto n = cursor.fetch_add(1, std::memory_order_relaxed);
    return &servers[n % servers.size()];
}

std::vector<uint32_t> wrr_schedule(std::vector<int> weights) {
    // Very large weights would make one cycle long: scale them down, keeping their ratio (and every positive
    // weight at least 1), so a cycle has at most max_cycle picks.
    constexpr int64_t max_cycle = 1 << 16;
    int64_t total = 0;
    for (int w : weights) total += std::max(w, 0);
    if (total == 0) return {};
    int g = 0;
    for (int w : weights) if (w > 0) g = std::gcd(g, w);
    if (total / g > max_cycle) {
        for (int& w : weights)
            if (w > 0) w = static_cast<int>(std::max<int64_t>(1, int64_t{w} * max_cycle / total));
        g = 0;
        total = 0;
        for (int w : weights) if (w > 0) { g = std::gcd(g, w); total += w; }
    }
    const int max_w = *std::max_element(weights.begin(), weights.end());
    // Traefik's pkg/tcp/wrr_load_balancer.go nextServer: walk the servers, lowering the bar by the GCD of the
    // weights on each lap, and take every server whose weight reaches the bar. For 3:1 that is a a a b.
    std::vector<uint32_t> out;
    const size_t cycle = static_cast<size_t>(total / g);
    out.reserve(cycle);
    size_t index = weights.size() - 1;
    int current = 0;
    while (out.size() < cycle) {
        index = (index + 1) % weights.size();
        if (index == 0) {
            current -= g;
            if (current <= 0) current = max_w;
        }
        if (weights[index] > 0 && weights[index] >= current) out.push_back(static_cast<uint32_t>(index));
    }
    return out;
}

}  // namespace sy::runtime
