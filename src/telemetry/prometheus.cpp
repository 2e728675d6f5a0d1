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

/// "service\x1faddress" → the labels of a server's samples.
std::string server_labels(const std::string& key) {
    auto sep = key.find('\x1f');
    std::string service = key.substr(0, sep);
    std::string address = sep == std::string::npos ? std::string() : key.substr(sep + 1);
    return label("service", service) + ',' + label("server", address);
}

/// One family over the traffic blocks of one kind: open (gauge) or a counter member. `labels_of` turns a block's
/// key into its labels.
template <class Each, class Labels>
void traffic_families(std::string& out, std::string_view prefix, Labels labels_of, Each each, std::string_view what) {
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
            std::string labels = labels_of(key);
            std::string_view suffix = f.suffix;
            const traffic_totals t = c.read();
            if (suffix == "open_connections")
                sample(out, name, labels, t.open);
            else if (suffix == "connections_total")
                sample(out, name, labels, t.total);
            else if (suffix == "bytes_received_total")
                sample(out, name, labels, t.bytes_in);
            else
                sample(out, name, labels, t.bytes_out);
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
        traffic_families(out, "traefik_entrypoint_", [](const std::string& k) { return label("entrypoint", k); },
                         [&](auto f) { counters.for_each_entry_point(f); }, "entrypoint");
        // Every outcome of every entrypoint, zeros included, so a rate() over a refusal reason works from the first
        // scrape (a series that appears only with its first event hides that event from rate()).
        header(out, "switchyard_entrypoint_connections_ended_total", "counter",
               "TCP connections that ended, per entrypoint and outcome (the access log's End field).");
        counters.for_each_outcome([&](const std::string& ep, const outcome_counters& o) {
            for (std::size_t i = 0; i < outcome_count; ++i) {
                const auto which = static_cast<outcome>(i);
                sample(out, "switchyard_entrypoint_connections_ended_total",
                       label("entrypoint", ep) + ',' + label("outcome", to_string(which)), o.read(which));
            }
        });
    }
    if (opts.add_routers_labels)
        traffic_families(out, "traefik_tcp_router_", [](const std::string& k) { return label("router", k); },
                         [&](auto f) { counters.for_each_router(f); }, "TCP router");
    if (opts.add_services_labels) {
        traffic_families(out, "traefik_tcp_service_", [](const std::string& k) { return label("service", k); },
                         [&](auto f) { counters.for_each_service(f); }, "TCP service");
        traffic_families(out, "traefik_tcp_service_server_", server_labels,
                         [&](auto f) {
                             counters.for_each_server([&](const std::string& k, const server_counters& s) {
                                 f(k, s.traffic);
                             });
                         },
                         "server of a TCP service");
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
                sample(out, f.name, server_labels(key), (s.*f.member).load(std::memory_order_relaxed));
            });
        }
    }
    return out;
}

}  // namespace sy::telemetry
