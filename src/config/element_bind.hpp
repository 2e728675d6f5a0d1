#pragma once
// Binds each named element (router, service, middleware, transport) on its own, so an error stays with the element
// it belongs to. Internal to src/config.
#include <map>
#include <string>
#include <vector>

#include "config/dynamic_config.hpp"
#include "decoder/schema.hpp"

namespace sy::config {

struct element_source {
    decoder::key_style style;
    std::string prefix;  ///< "traefik." for labels, "" for files
};

inline void add_findings(const decoder::bind_context& ctx, element_finding::kind kind, const std::string& name,
                         std::vector<element_finding>& findings) {
    for (const auto& e : ctx.errors) findings.push_back({kind, name, true, e.to_string()});
    for (const auto& w : ctx.warnings) findings.push_back({kind, name, false, w.to_string()});
}

/// Every child of `section` becomes out[child name]. An element with errors is kept with what did decode and an
/// error finding: the runtime builder disables it and the API shows why (Traefik drops the whole container or file
/// instead, with a log line only: deliberate difference).
template <class T>
void bind_elements(const decoder::node& section, std::map<std::string, T>& out, const decoder::type_desc& d,
                   element_finding::kind kind, const element_source& src, std::vector<element_finding>& findings) {
    if ((section.value && !section.value->empty()) || section.list) {
        decoder::bind_context ctx{src.style, src.prefix, {}, {}, {}};
        decoder::report_value_on_section(section, ctx);
        add_findings(ctx, element_finding::kind::other, "", findings);
    }
    for (const auto& c : section.children) {
        decoder::bind_context ctx{src.style, src.prefix, {}, {}, {}};
        if (!c.name.empty() && c.name.front() == '[') {  // `services[0].…`: an index where a name belongs
            ctx.error(c, "expected a name here, not a list index");
            add_findings(ctx, element_finding::kind::other, "", findings);
            continue;
        }
        T value{};
        d.bind(c, &value, ctx);
        out[c.name] = std::move(value);
        add_findings(ctx, kind, c.name, findings);
    }
}

}  // namespace sy::config
