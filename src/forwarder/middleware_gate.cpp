#include "forwarder/middleware_gate.hpp"

#include <algorithm>
#include <mutex>

namespace sy::forwarder {

in_flight_slots::~in_flight_slots() {
    for (auto& h : held_) {
        std::lock_guard lock(h.table->mutex);
        auto it = h.table->open.find(h.key);
        if (it != h.table->open.end() && --it->second <= 0) h.table->open.erase(it);
    }
}

bool in_flight_slots::try_take(const std::shared_ptr<runtime::in_flight_table>& table, const std::string& key,
                               int64_t amount) {
    {
        std::lock_guard lock(table->mutex);
        auto& n = table->open[key];
        if (n >= amount) {
            if (n == 0) table->open.erase(key);
            return false;
        }
        ++n;
    }
    held_.push_back({table, key});
    return true;
}

gate_verdict apply_middlewares(const runtime::route& route, const ip_address& client_ip, in_flight_slots& slots) {
    const ip_address ip = unmap(client_ip);
    for (const auto& m : route.middlewares) {
        if (!m) continue;
        switch (m->type) {
        case runtime::middleware_plan::kind::ip_allow_list: {
            const bool allowed = std::any_of(m->source_range.begin(), m->source_range.end(),
                                             [&](const cidr& c) { return c.contains(ip); });
            if (!allowed) return gate_verdict::refused_allow_list;
            break;
        }
        case runtime::middleware_plan::kind::in_flight_conn:
            // Traefik keys the count by the client's IP (RemoteAddr host, after a trusted PROXY header).
            if (m->in_flight && !slots.try_take(m->in_flight, ip.to_string(), m->amount))
                return gate_verdict::refused_in_flight;
            break;
        }
    }
    return gate_verdict::pass;
}

}  // namespace sy::forwarder
