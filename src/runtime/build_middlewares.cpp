// Middlewares: one type each, validated once; routers that use a disabled middleware are disabled too.
#include "runtime/build_steps.hpp"

#include "base/address.hpp"

namespace sy::runtime::detail {

namespace {

void build_source_range(middleware_info& info, middleware_plan& plan, const config::ip_allow_list& list,
                        middleware_plan::kind type) {
    plan.type = type;
    if (list.source_range.empty()) {
        // Traefik's exact message for ipAllowList; ipDenyList says the same in its own name.
        add_error(info, type == middleware_plan::kind::ip_deny_list ? "sourceRange is empty, IPDenyLister not created"
                                                                    : "sourceRange is empty, IPAllowLister not created");
        return;
    }
    for (const auto& range : list.source_range) {
        auto c = parse_cidr(range);
        if (!c) {
            add_error(info, "sourceRange: \"" + range + "\" is not an IP address or CIDR range: " + c.error().what);
            continue;
        }
        plan.source_range.push_back(*c);
    }
}

}  // namespace

built_middlewares build_middlewares(const aggregator::merged_config& merged) {
    built_middlewares out;
    for (const auto& [name, m] : merged.config.middlewares) {
        middleware_info info;
        info.name = name;
        info.provider = std::string(name.substr(name.rfind('@') + 1));
        info.config = m;
        middleware_plan plan;
        plan.name = name;
        int types = int(m.in_flight_conn.has_value()) + int(m.ip_allow_list.has_value()) +
                    int(m.ip_white_list.has_value()) + int(m.ip_deny_list.has_value());
        if (types == 0) {
            add_error(info,
                      "middleware type is missing or unknown (TCP middlewares: inFlightConn, ipAllowList, ipDenyList)");
        } else if (types > 1) {
            // Deliberate difference from Traefik, which silently keeps the last type in its builder's order.
            add_error(info, "middleware has several types; declare one middleware per type");
        } else if (m.in_flight_conn) {
            info.type = "inflightconn";
            plan.type = middleware_plan::kind::in_flight_conn;
            plan.amount = m.in_flight_conn->amount;
            if (plan.amount < 0) add_error(info, "inFlightConn.amount must not be negative");
            if (plan.amount == 0)
                add_warning(info, "inFlightConn.amount is 0: every connection is refused (as in Traefik)");
        } else if (m.ip_allow_list) {
            info.type = "ipallowlist";
            build_source_range(info, plan, *m.ip_allow_list, middleware_plan::kind::ip_allow_list);
        } else if (m.ip_deny_list) {
            info.type = "ipdenylist";
            build_source_range(info, plan, *m.ip_deny_list, middleware_plan::kind::ip_deny_list);
        } else {
            info.type = "ipwhitelist";
            add_warning(info, "IPWhiteList is deprecated, please use IPAllowList instead.");
            build_source_range(info, plan, *m.ip_white_list, middleware_plan::kind::ip_allow_list);
        }
        attach_findings(info, config::element_finding::kind::middleware, merged.findings);
        if (info.state != status::disabled) out.plans.emplace(name, std::move(plan));
        out.infos.emplace(name, std::move(info));
    }
    return out;
}

}  // namespace sy::runtime::detail
