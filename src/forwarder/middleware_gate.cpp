#include "forwarder/middleware_gate.hpp"

#include <algorithm>

namespace sy::forwarder {

in_flight_slots::~in_flight_slots() { give_back_all(); }

void in_flight_slots::give_back_all() {
    for (auto& h : held_) h.table->give_back(h.client);
    held_.clear();
}

bool in_flight_slots::try_take(const std::shared_ptr<runtime::in_flight_table>& table, const ip_address& client,
                               int64_t amount) {
    if (!table->try_take(client, amount)) return false;
    held_.push_back({table, client});
    return true;
}

std::optional<telemetry::outcome> apply_middlewares(const runtime::route& route, const ip_address& client_ip,
                                                    in_flight_slots& slots) {
    const ip_address ip = unmap(client_ip);
    for (const auto& m : route.middlewares) {
        if (!m) continue;
        switch (m->type) {
        case runtime::middleware_plan::kind::ip_allow_list: {
            const bool allowed = std::any_of(m->source_range.begin(), m->source_range.end(),
                                             [&](const cidr& c) { return c.contains(ip); });
            if (!allowed) return telemetry::outcome::refused_allow_list;
            break;
        }
        case runtime::middleware_plan::kind::ip_deny_list: {
            const bool denied = std::any_of(m->source_range.begin(), m->source_range.end(),
                                            [&](const cidr& c) { return c.contains(ip); });
            if (denied) return telemetry::outcome::refused_deny_list;
            break;
        }
        case runtime::middleware_plan::kind::in_flight_conn:
            // Traefik keys the count by the client's IP (RemoteAddr host, after a trusted PROXY header).
            if (m->in_flight && !slots.try_take(m->in_flight, ip, m->amount))
                return telemetry::outcome::refused_in_flight;
            break;
        }
    }
    return std::nullopt;
}

}  // namespace sy::forwarder
