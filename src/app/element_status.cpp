#include "app/element_status.hpp"

namespace sy::app {

namespace {

template <class Infos>
void collect(const char* kind, const Infos& infos, std::vector<element_status>& out) {
    for (const auto& [name, info] : infos)
        if (info.state != runtime::status::enabled) out.push_back({kind, name, info.state, info.errors});
}

}  // namespace

std::vector<element_status> not_enabled(const runtime::snapshot& snap) {
    std::vector<element_status> out;
    collect("router", snap.routers, out);
    collect("service", snap.services, out);
    collect("middleware", snap.middlewares, out);
    // Certificates have no status of their own in Traefik's model; a bad or expiring one is logged like an element,
    // named by its source (the file, the acme.json), which is what the user has to fix.
    if (snap.tls)
        for (const auto& c : snap.tls->certificates)
            if (c.state != "enabled")
                out.push_back({"certificate", c.source,
                               c.state == "disabled" ? runtime::status::disabled : runtime::status::warning, c.errors});
    return out;
}

std::string joined(const std::vector<std::string>& errors) {
    std::string out;
    for (const auto& e : errors) out += (out.empty() ? "" : "; ") + e;
    return out;
}

}  // namespace sy::app
