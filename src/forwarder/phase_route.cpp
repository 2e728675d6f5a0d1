// Phase: the router whose rule matches what is known of the connection, then that router's middlewares.
#include <spdlog/spdlog.h>

#include "forwarder/match.hpp"
#include "forwarder/phases.hpp"

namespace sy::forwarder {

namespace {

const char* refused_by(telemetry::outcome o) {
    switch (o) {
    case telemetry::outcome::refused_allow_list: return "ipAllowList";
    case telemetry::outcome::refused_deny_list: return "ipDenyList";
    default: return "inFlightConn";
    }
}

}  // namespace

step choose_route(connection& c, routing& r) {
    using telemetry::outcome;
    c.route = match_route(*c.table, r.facts);
    if (!c.route) {
        if (debug_enabled())
            spdlog::debug("entryPoint \"{}\": no router matches {} (tls={}, sni=\"{}\")", c.l.name,
                          format_endpoint(c.source), r.facts.tls, c.sni);
        return outcome::no_route;
    }
    c.count_open(connection::gauge_slot::router, c.route->counters.get());
    if (auto refused = apply_middlewares(*c.route, c.source.address, c.slots)) {
        if (debug_enabled())
            spdlog::debug("router \"{}\": {} refused by {}", c.route->router, format_endpoint(c.source),
                          refused_by(*refused));
        return refused;
    }
    c.service = c.route->service.get();
    return proceed;
}

}  // namespace sy::forwarder
