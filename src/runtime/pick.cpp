// Choosing a server: plain round-robin across a load balancer's servers, Traefik's weighted round-robin across a
// weighted service's children. Each worker keeps its own cursors (worker_view, forwarder/worker_context.hpp), so the
// rotation is per worker: workers never write a shared cache line to pick (HAProxy and Envoy balance per thread the
// same way). Over many connections the spread is the same as one shared rotation.
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

std::string server_state(const service_info& s, const std::string& address) {
    auto h = s.health.find(address);
    if (h != s.health.end() && h->second) return h->second->up() ? "UP" : "DOWN";
    auto b = s.server_status.find(address);
    return b == s.server_status.end() ? "DOWN" : b->second;
}

namespace {

/// How far a pass may go: `strict` takes only servers UP (and trials that are due); the lenient pass, tried when
/// the strict one found nothing, also takes servers DOWN by passive health alone.
enum class pass { strict, lenient };

bool usable(const service_plan& service, const server_plan& s, pass p) {
    server_health* h = s.health.get();  // the snapshot is const, the state it points at is not
    if (!h || h->up()) return true;
    if (h->actively_checked()) return false;  // only a probe brings it back (Traefik)
    if (p == pass::lenient) return true;
    return h->claim_trial(service.passive.failure_window, server_health::clock::now());
}

const server_plan* pick_in(const service_plan& service, balancer_cursors cursors, const server_plan* skip, pass p) {
    uint32_t* cursor = service.index < cursors.size() ? &cursors[service.index] : nullptr;
    const uint32_t n = cursor ? *cursor : 0;
    if (!service.weighted.empty()) {
        const auto size = static_cast<uint32_t>(service.schedule.size());
        // Traefik skips a child that reports no server UP: the next child in the weighted order gets the pick.
        for (uint32_t i = 0; i < size; ++i) {
            const auto& child = service.weighted[service.schedule[(n + i) % size]].service;
            if (!child) continue;
            if (const server_plan* s = pick_in(*child, cursors, skip, p)) {
                if (cursor) *cursor = n + i + 1;
                return s;
            }
        }
        return nullptr;
    }
    const auto size = static_cast<uint32_t>(service.servers.size());
    // Deliberate difference from Traefik: no shuffle at build time, so the first connection after a reload goes to
    // the first server. Over a cycle the spread is the same. A server skipped does not make its successor take two
    // turns: the rotation goes on from the server picked.
    for (uint32_t i = 0; i < size; ++i) {
        const server_plan& s = service.servers[(n + i) % size];
        if (&s == skip || !usable(service, s, p)) continue;
        if (cursor) *cursor = n + i + 1;
        return &s;
    }
    return nullptr;
}

}  // namespace

const server_plan* pick(const service_plan& service, balancer_cursors cursors, const server_plan* skip) {
    if (const server_plan* s = pick_in(service, cursors, skip, pass::strict)) return s;
    return pick_in(service, cursors, skip, pass::lenient);
}

bool has_servers(const service_plan& service) {
    if (!service.servers.empty()) return true;
    for (const auto& child : service.weighted)
        if (child.service && has_servers(*child.service)) return true;
    return false;
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
