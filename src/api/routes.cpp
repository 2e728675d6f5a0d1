#include "api/routes.hpp"

#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "api/dashboard.hpp"
#include "api/query.hpp"
#include "api/represent.hpp"
#include "telemetry/prometheus.hpp"

namespace sy::api {
namespace {

using json = nlohmann::json;

http_response json_response(unsigned status, const json& body) {
    // Go's json.Encoder ends every document with a newline; some scripts compare bodies byte for byte.
    return {status, "application/json", body.dump() + "\n", {}};
}

/// Deliberate difference from Traefik: its writeError sends this JSON body through http.Error, which labels it
/// text/plain; Switchyard says application/json, which is what the body is.
http_response error_response(unsigned status, const std::string& message) {
    return json_response(status, represent_error(message));
}

/// gorilla/mux's answer for a path no route matches.
http_response not_found_page() { return {404, "text/plain; charset=utf-8", "404 page not found\n", {}}; }

template <class Item, class Represent>
http_response list_response(const target& t, const std::vector<const Item*>& items, Represent represent) {
    auto p = paginate(t, items.size());
    if (!p) return error_response(400, p.error().what);
    json arr = json::array();
    for (std::size_t i = p->start; i < p->end; ++i) arr.push_back(represent(*items[i]));
    auto res = json_response(200, arr);
    res.headers.emplace_back("X-Next-Page", std::to_string(p->next_page));
    return res;
}

http_response empty_list() {
    auto res = json_response(200, json::array());
    res.headers.emplace_back("X-Next-Page", "1");
    return res;
}

/// "{prefix}{escaped id}" → the decoded id; nullopt when the path is not under prefix or has a further '/'.
struct id_match {
    bool matched = false;
    std::optional<std::string> id;  ///< nullopt with matched = true: a malformed escape
    std::string raw;
};
id_match match_id(std::string_view path, std::string_view prefix) {
    if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix) return {};
    std::string_view raw = path.substr(prefix.size());
    if (raw.find('/') != std::string_view::npos) return {};
    return {true, percent_decode(raw, false), std::string(raw)};
}

template <class Map, class Represent>
http_response one_response(const id_match& m, const Map* map, const char* what, const char* id_name,
                           Represent represent) {
    if (!m.id) return error_response(400, "unable to decode " + std::string(id_name) + " \"" + m.raw + "\"");
    if (map) {
        auto it = map->find(*m.id);
        if (it != map->end()) return json_response(200, represent(it->second));
    }
    return error_response(404, std::string(what) + " not found: " + *m.id);
}

/// Traefik's traefik_service_server_up{service,url} gauge for HTTP services, named for TCP as the other families of
/// TCP servers are (traefik_tcp_service_server_*; Traefik v3.6 has no TCP one yet, a TODO in healthcheck_tcp.go):
/// 1 UP, 0 DOWN, per server of every load balancer in the current snapshot, read live.
std::string server_up_family(const runtime::snapshot& snap) {
    constexpr std::string_view name = "traefik_tcp_service_server_up";
    std::string out;
    out += "# HELP traefik_tcp_service_server_up TCP service server is up, described by gauge value of 0 or 1.\n";
    out += "# TYPE traefik_tcp_service_server_up gauge\n";
    for (const auto& [service, info] : snap.services)
        for (const auto& [address, built] : info.server_status) {
            const bool up = runtime::server_state(info, address) == "UP";
            out += name;
            out += "{service=\"" + telemetry::escape_label_value(service) + "\",server=\"" +
                   telemetry::escape_label_value(address) + "\"} " + (up ? "1" : "0") + "\n";
        }
    return out;
}

http_response api_routes(const std::string& path, const target& t, const route_context& ctx) {
    const runtime::snapshot* snap = ctx.snapshot.get();
    const config::static_config& statics = *ctx.statics;

    if (path == "/api/overview") return json_response(200, represent_overview(snap, statics));
    if (path == "/api/rawdata") return json_response(200, represent_rawdata(snap));
    if (path == "/api/certificates") return json_response(200, represent_certificates(snap));
    if (path == "/api/version") return json_response(200, represent_version(ctx.version, ctx.start_date));
    // Switchyard only: what the dashboard charts (Traefik's API has no history).
    if (path == "/api/switchyard/bans") return json_response(200, represent_bans(ctx.bans.get(), bans::unix_now()));
    if (path == "/api/switchyard/activity") {
        std::vector<telemetry::refusal> refusals;
        if (ctx.counters) refusals = ctx.counters->refusals_seen.list();
        return json_response(200, represent_activity(ctx.history, refusals));
    }

    if (path == "/api/entrypoints") {
        auto eps = api_entry_points(statics);
        std::vector<std::pair<const std::string*, const config::entry_point*>> items;
        for (const auto& [name, ep] : eps) items.emplace_back(&name, &ep);
        auto p = paginate(t, items.size());
        if (!p) return error_response(400, p.error().what);
        json arr = json::array();
        for (std::size_t i = p->start; i < p->end; ++i) arr.push_back(represent_entry_point(*items[i].first, *items[i].second));
        auto res = json_response(200, arr);
        res.headers.emplace_back("X-Next-Page", std::to_string(p->next_page));
        return res;
    }
    if (auto m = match_id(path, "/api/entrypoints/"); m.matched) {
        auto eps = api_entry_points(statics);
        if (!m.id) return error_response(400, "unable to decode entryPointID \"" + m.raw + "\"");
        auto it = eps.find(*m.id);
        if (it == eps.end()) return error_response(404, "entry point not found: " + *m.id);
        return json_response(200, represent_entry_point(it->first, it->second));
    }

    criterion c = make_criterion(t);
    if (path == "/api/tcp/routers") {
        std::vector<const runtime::router_info*> items;
        if (snap)
            for (const auto& [name, r] : snap->routers)
                if (keep_router(c, r)) items.push_back(&r);
        sort_routers(items, t);
        return list_response(t, items, represent_router);
    }
    if (path == "/api/tcp/services") {
        std::vector<const runtime::service_info*> items;
        if (snap)
            for (const auto& [name, s] : snap->services)
                if (keep_named(c, name, s.state)) items.push_back(&s);
        sort_services(items, t);
        return list_response(t, items, represent_service);
    }
    if (path == "/api/tcp/middlewares") {
        std::vector<const runtime::middleware_info*> items;
        if (snap)
            for (const auto& [name, m] : snap->middlewares)
                if (keep_named(c, name, m.state)) items.push_back(&m);
        sort_middlewares(items, t);
        return list_response(t, items, represent_middleware);
    }
    if (auto m = match_id(path, "/api/tcp/routers/"); m.matched)
        return one_response(m, snap ? &snap->routers : nullptr, "router", "routerID", represent_router);
    if (auto m = match_id(path, "/api/tcp/services/"); m.matched)
        return one_response(m, snap ? &snap->services : nullptr, "service", "serviceID", represent_service);
    if (auto m = match_id(path, "/api/tcp/middlewares/"); m.matched)
        return one_response(m, snap ? &snap->middlewares : nullptr, "middleware", "middlewareID",
                            represent_middleware);

    // HTTP and UDP routing are not Switchyard's: the endpoints exist, so Traefik's tools keep working, and are empty.
    for (std::string_view list : {"/api/http/routers", "/api/http/services", "/api/http/middlewares",
                                  "/api/udp/routers", "/api/udp/services"}) {
        if (path == list) return empty_list();
        std::string prefix = std::string(list) + "/";
        if (auto m = match_id(path, prefix); m.matched) {
            std::string_view kind = list.substr(list.rfind('/') + 1);
            kind.remove_suffix(1);  // routers → router
            if (!m.id) return error_response(400, "unable to decode id \"" + m.raw + "\"");
            return error_response(404, std::string(kind) + " not found: " + *m.id);
        }
    }
    return not_found_page();
}

http_response dashboard_routes(const std::string& path) {
    if (path == "/" || path == "/dashboard") return {302, "text/html; charset=utf-8", "", {{"Location", "/dashboard/"}}};
    std::string_view file = std::string_view(path).substr(std::string_view("/dashboard/").size());
    if (file.empty()) file = "index.html";
    for (const auto& a : dashboard_assets())
        if (a.name == file) return {200, std::string(a.content_type), std::string(a.body), {{"Cache-Control", "no-cache"}}};
    return not_found_page();
}

}  // namespace

http_response handle(const http_request& req, const route_context& ctx) {
    target t = parse_target(req.target);
    const std::string& path = t.path;

    // Traefik's ping handler answers every method: it changes nothing.
    if (ctx.serve.ping && path == "/ping") {
        if (ctx.shutting_down) return {503, "text/plain; charset=utf-8", "Service Unavailable", {}};
        return {200, "text/plain; charset=utf-8", "OK", {}};
    }
    // Read-only: nothing else accepts a method that could change state.
    if (req.method != "GET" && req.method != "HEAD") {
        auto res = error_response(405, "method not allowed: " + req.method);
        res.headers.emplace_back("Allow", "GET, HEAD");
        return res;
    }
    if (ctx.serve.metrics && path == "/metrics") {
        std::string text = ctx.counters ? telemetry::render_prometheus(*ctx.counters, ctx.statics->prometheus) : "";
        if (ctx.snapshot && ctx.statics->prometheus.add_services_labels) text += server_up_family(*ctx.snapshot);
        return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(text), {}};
    }
    if (ctx.serve.api && path.rfind("/api/", 0) == 0) return api_routes(path, t, ctx);
    if (ctx.serve.dashboard && (path == "/" || path == "/dashboard" || path.rfind("/dashboard/", 0) == 0))
        return dashboard_routes(path);
    return not_found_page();
}

std::map<std::string, config::entry_point> api_entry_points(const config::static_config& statics) {
    auto eps = statics.entry_points;
    bool uses_traefik = (statics.api.enabled && statics.api.insecure) ||
                        (statics.ping.enabled && statics.ping.entry_point == "traefik") ||
                        (statics.prometheus.enabled && statics.prometheus.entry_point == "traefik");
    if (uses_traefik && !eps.count("traefik")) {
        config::entry_point ep;
        ep.address = ":8080";
        ep.listen = host_port{"", 8080};
        eps.emplace("traefik", std::move(ep));
    }
    return eps;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace sy::api
