#include "forwarder/match.hpp"

namespace sy::forwarder {

const runtime::route* match_route(const runtime::entry_point_table& table, const rules::conn_facts& facts) {
    const auto& routes = facts.tls ? table.tls_routes : table.tcp_routes;
    for (const auto& r : routes) {
        if (r.rule && r.rule->matches(facts)) return &r;
    }
    return nullptr;
}

const runtime::service_plan* owner_of(const runtime::service_plan& top, const runtime::server_plan* server) {
    for (const auto& s : top.servers) {
        if (&s == server) return &top;
    }
    for (const auto& child : top.weighted) {
        if (!child.service) continue;
        if (const auto* found = owner_of(*child.service, server)) return found;
    }
    return nullptr;
}

}  // namespace sy::forwarder
