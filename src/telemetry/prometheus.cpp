#include "telemetry/prometheus.hpp"

#include <cstdint>

namespace sy::telemetry {
namespace {

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

template <class V>
void sample(std::string& out, std::string_view name, std::string_view labels, V value) {
    out += name;
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += std::to_string(value);
    out += '\n';
}

std::string label(std::string_view key, std::string_view value) {
    std::string s(key);
    s += "=\"";
    s += escape_label_value(value);
    s += '"';
    return s;
}

/// One family over the traffic blocks of one kind: open (gauge) or a counter member.
template <class Each>
void traffic_families(std::string& out, std::string_view prefix, std::string_view label_key, Each each,
                      std::string_view what) {
    struct family {
        const char* suffix;
        const char* type;
        const char* help;
    };
    const family families[] = {
        {"open_connections", "gauge", "How many TCP connections are open now"},
        {"connections_total", "counter", "How many TCP connections were accepted"},
        {"bytes_received_total", "counter", "Bytes received from clients (client to backend)"},
        {"bytes_sent_total", "counter", "Bytes sent to clients (backend to client)"},
    };
    for (const auto& f : families) {
        std::string name(prefix);
        name += f.suffix;
        std::string help(f.help);
        help += ", per ";
        help += what;
        help += '.';
        header(out, name, f.type, help);
        each([&](const std::string& key, const traffic_counters& c) {
            std::string labels = label(label_key, key);
            std::string_view suffix = f.suffix;
            if (suffix == "open_connections")
                sample(out, name, labels, c.open.load(std::memory_order_relaxed));
            else if (suffix == "connections_total")
                sample(out, name, labels, c.total.load(std::memory_order_relaxed));
            else if (suffix == "bytes_received_total")
                sample(out, name, labels, c.bytes_in.load(std::memory_order_relaxed));
            else
                sample(out, name, labels, c.bytes_out.load(std::memory_order_relaxed));
        });
    }
}

}  // namespace

std::string escape_label_value(std::string_view v) {
    std::string s;
    s.reserve(v.size());
    for (char c : v) {
        if (c == '\\') s += "\\\\";
        else if (c == '"') s += "\\\"";
        else if (c == '\n') s += "\\n";
        else s += c;
    }
    return s;
}

std::string render_prometheus(const registry& counters, const config::prometheus_config& opts) {
    std::string out;
    out.reserve(4096);

    // Traefik's own names for the configuration families.
    header(out, "traefik_config_reloads_total", "counter", "Config reloads.");
    sample(out, "traefik_config_reloads_total", "", counters.reloads_total.load(std::memory_order_relaxed));
    header(out, "traefik_config_last_reload_success", "gauge", "Last config reload success (unix time, seconds).");
    sample(out, "traefik_config_last_reload_success", "",
           counters.last_reload_success_unix.load(std::memory_order_relaxed));

    if (opts.add_entry_points_labels) {
        // Traefik names the entrypoint gauge traefik_open_connections{entrypoint,protocol}; this family carries the
        // TCP-only count under an entrypoint prefix, like traefik_entrypoint_requests_total.
        traffic_families(out, "traefik_entrypoint_", "entrypoint",
                         [&](auto f) { counters.for_each_entry_point(f); }, "entrypoint");
        const char* reasons[] = {"no_route", "allow_list", "in_flight", "untrusted_proxy"};
        header(out, "switchyard_entrypoint_connections_refused_total", "counter",
               "TCP connections closed without reaching a backend, per entrypoint and reason.");
        counters.for_each_refusal([&](const std::string& ep, const refusal_counters& r) {
            const counter* values[] = {&r.no_route, &r.allow_list, &r.in_flight, &r.untrusted_proxy};
            for (std::size_t i = 0; i < 4; ++i)
                sample(out, "switchyard_entrypoint_connections_refused_total",
                       label("entrypoint", ep) + ',' + label("reason", reasons[i]),
                       values[i]->load(std::memory_order_relaxed));
        });
    }
    if (opts.add_routers_labels)
        traffic_families(out, "traefik_tcp_router_", "router", [&](auto f) { counters.for_each_router(f); },
                         "TCP router");
    if (opts.add_services_labels) {
        traffic_families(out, "traefik_tcp_service_", "service", [&](auto f) { counters.for_each_service(f); },
                         "TCP service");
        struct family {
            const char* name;
            const char* help;
            counter server_counters::*member;
        };
        const family families[] = {
            {"traefik_tcp_service_server_connect_failures_total", "Dials to a server that failed.",
             &server_counters::connect_failures},
            {"traefik_tcp_service_server_connect_timeouts_total", "Dials to a server that timed out.",
             &server_counters::connect_timeouts},
            {"traefik_tcp_service_server_proxy_headers_sent_total", "PROXY protocol headers written to a server.",
             &server_counters::proxy_headers_sent},
        };
        for (const auto& f : families) {
            header(out, f.name, "counter", f.help);
            counters.for_each_server([&](const std::string& key, const server_counters& s) {
                auto sep = key.find('\x1f');
                std::string service = key.substr(0, sep);
                std::string address = sep == std::string::npos ? std::string() : key.substr(sep + 1);
                sample(out, f.name, label("service", service) + ',' + label("server", address),
                       (s.*f.member).load(std::memory_order_relaxed));
            });
        }
    }
    return out;
}

}  // namespace sy::telemetry
