// Traefik's static configuration keys (pkg/config/static/static_config.go, entrypoints.go, pkg/provider/docker),
// restricted to what a TCP router uses. Keys that only concern Traefik's HTTP side, or features Switchyard does not
// have, are accepted and listed in static_config::ignored_keys, so a Traefik compose file starts unchanged.
#include "base/text.hpp"
#include "config/fields.hpp"
#include "config/static_config.hpp"

namespace sy::config {

using namespace decoder;

namespace {

/// The same struct one level down: Traefik nests keys (`transport.lifeCycle.graceTimeOut`) that we keep flat.
std::function<void*(void*)> same() {
    return [](void* s) { return s; };
}

field http_only(std::string name) { return ignored(std::move(name), "HTTP-only key, ignored", false, true); }
field unsupported(std::string name) { return ignored(std::move(name), "not supported by Switchyard, ignored", false, true); }

/// `entryPoints.<n>.address`: kept as written and parsed at once, so a bad address names its key.
class address_desc final : public type_desc {
public:
    desc_kind kind() const override { return desc_kind::leaf; }
    void bind(const node& n, void* target, bind_context& ctx) const override {
        auto& ep = *static_cast<entry_point*>(target);
        if (!n.children.empty()) {
            report_children_of_leaf_impl(n, ctx);
            return;
        }
        if (!assign_leaf(n, ep.address, ctx)) return;
        std::string_view text = trim(ep.address);
        // Traefik's `[host]:port[/tcp|/udp]`.
        if (size_t slash = text.rfind('/'); slash != std::string_view::npos && text.find(']', slash) == text.npos) {
            std::string proto = ascii_lower(text.substr(slash + 1));
            if (proto == "udp") {
                ctx.error(n, "invalid value \"" + ep.address +
                                 "\": UDP entrypoints are not supported (Switchyard routes TCP only); remove the "
                                 "entrypoint or use /tcp");
                return;
            }
            if (proto != "tcp") {
                ctx.error(n, "invalid value \"" + ep.address + "\": unknown protocol \"" + proto + "\" (use /tcp)");
                return;
            }
            text = text.substr(0, slash);
        }
        auto hp = parse_host_port(text);
        if (!hp) {
            ctx.error(n, "invalid value \"" + ep.address + "\": " + hp.error().to_string());
            return;
        }
        ep.listen = *hp;
    }
};

const type_desc& entry_point_schema() {
    const auto& pp = structure({
        leaf("trustedIPs", &entry_point_proxy_protocol::trusted_ips,
             "IPs or CIDR ranges whose PROXY protocol headers are trusted (comma-separated)"),
        leaf("insecure", &entry_point_proxy_protocol::insecure, "trust PROXY protocol headers from any sender"),
    });
    const auto& life_cycle = structure({
        leaf("graceTimeOut", &entry_point::grace_timeout, "how long open connections may last after a stop (10s)"),
        leaf("requestAcceptGraceTimeout", &entry_point::request_accept_grace_timeout,
             "how long to keep accepting connections after a stop (0s)"),
    });
    const auto& responding = structure({
        leaf("readTimeout", &entry_point::read_timeout,
             "how long to wait for a client's first bytes (PROXY header, ClientHello) (60s)"),
        http_only("writeTimeout"),
        http_only("idleTimeout"),
    });
    const auto& transport = structure({
        field{"lifeCycle", &life_cycle, same(), {}},
        field{"respondingTimeouts", &responding, same(), {}},
        http_only("keepAliveMaxRequests"),
        http_only("keepAliveMaxTime"),
    });
    static const address_desc address;
    return structure({
        field{"address", &address, same(), "listen address: \":25\", \"127.0.0.1:25\", \"[::]:993\" (/tcp allowed)"},
        leaf("asDefault", &entry_point::as_default, "routers that name no entrypoint use this one"),
        optional("proxyProtocol", &entry_point::proxy_protocol, pp, true, "accept PROXY protocol headers"),
        field{"transport", &transport, same(), {}},
        leaf("serverFirstWait", &entry_point::server_first_wait,
             "Switchyard: how long a silent client is awaited before it goes to a non-TLS catch-all (300ms)"),
        http_only("http"),
        http_only("http2"),
        http_only("http3"),
        http_only("forwardedHeaders"),
        http_only("observability"),
        http_only("allowACMEByPass"),
        unsupported("udp"),
        unsupported("reusePort"),
    });
}

const type_desc& docker_schema() {
    const auto& tls = structure({
        leaf("ca", &docker_tls::ca, "CA file for the Docker daemon's TLS"),
        leaf("cert", &docker_tls::cert, "client certificate file"),
        leaf("key", &docker_tls::key, "client key file"),
        leaf("insecureSkipVerify", &docker_tls::insecure_skip_verify, "do not verify the daemon's certificate"),
    });
    return structure<docker_provider>(
        {
            leaf("endpoint", &docker_provider::endpoint, "Docker daemon (unix:///var/run/docker.sock)"),
            leaf("exposedByDefault", &docker_provider::exposed_by_default,
                 "route containers without traefik.enable=true (true)"),
            leaf("network", &docker_provider::network, "default network to reach containers on"),
            leaf("constraints", &docker_provider::constraints, "expression over labels selecting containers"),
            leaf("watch", &docker_provider::watch, "follow Docker events (true)"),
            leaf("useBindPortIP", &docker_provider::use_bind_port_ip, "dial the published host IP:port"),
            leaf("allowEmptyServices", &docker_provider::allow_empty_services,
                 "keep unhealthy or starting containers, with no server"),
            leaf("httpClientTimeout", &docker_provider::http_client_timeout, "timeout of Docker API calls (0: none)"),
            optional("tls", &docker_provider::tls, tls, false),
            http_only("defaultRule"),
            unsupported("username"),
            unsupported("password"),
        },
        &docker_provider::enabled);
}

const type_desc& build_static_schema() {
    const auto& file = structure<file_provider>(
        {
            leaf("filename", &file_provider::filename, "dynamic configuration file (YAML or TOML)"),
            leaf("directory", &file_provider::directory, "directory of dynamic configuration files"),
            leaf("watch", &file_provider::watch, "reload files when they change (true)"),
            unsupported("debugLogGeneratedTemplate"),
        },
        &file_provider::enabled);
    std::vector<field> providers{
        field{"docker", &docker_schema(), member_access(&static_config::docker), "enable the Docker provider"},
        field{"file", &file, member_access(&static_config::file), "enable the file provider"},
        leaf("providersThrottleDuration", &static_config::providers_throttle_duration,
             "wait this long for more provider changes before applying them (200ms; Traefik: 2s)"),
    };
    for (const char* other : {"swarm", "kubernetesCRD", "kubernetesIngress", "kubernetesGateway", "consul",
                              "consulCatalog", "nomad", "ecs", "etcd", "redis", "zooKeeper", "http", "rest", "plugin",
                              "precedence"})
        providers.push_back(unsupported(other));
    const auto& providers_d = structure(std::move(providers));

    const auto& api = structure<api_config>(
        {
            leaf("insecure", &api_config::insecure, "serve the API on the `traefik` entrypoint (:8080)"),
            leaf("dashboard", &api_config::dashboard, "serve the dashboard (true)"),
            unsupported("debug"),
            unsupported("basePath"),
            unsupported("disableDashboardAd"),
        },
        &api_config::enabled);
    const auto& ping = structure<ping_config>(
        {
            leaf("entryPoint", &ping_config::entry_point, "entrypoint serving /ping (traefik)"),
            unsupported("manualRouting"),
            unsupported("terminatingStatusCode"),
        },
        &ping_config::enabled);
    const auto& prometheus = structure<prometheus_config>(
        {
            leaf("entryPoint", &prometheus_config::entry_point, "entrypoint serving /metrics (traefik)"),
            leaf("addEntryPointsLabels", &prometheus_config::add_entry_points_labels, "label by entrypoint (true)"),
            leaf("addRoutersLabels", &prometheus_config::add_routers_labels, "label by router (true)"),
            leaf("addServicesLabels", &prometheus_config::add_services_labels, "label by service (true)"),
            http_only("buckets"),
            unsupported("manualRouting"),
            http_only("headerLabels"),
        },
        &prometheus_config::enabled);
    std::vector<field> metrics{
        field{"prometheus", &prometheus, member_access(&static_config::prometheus), "Prometheus metrics"},
    };
    for (const char* other : {"datadog", "statsD", "influxDB2", "otlp", "addInternals"})
        metrics.push_back(unsupported(other));
    const auto& metrics_d = structure(std::move(metrics));

    const auto& log = structure({
        leaf("level", &log_config::level, "TRACE, DEBUG, INFO, WARN, ERROR, FATAL or PANIC (ERROR)"),
        leaf("format", &log_config::format, "common or json (common)"),
        leaf("filePath", &log_config::file_path, "log to this file instead of stdout"),
        unsupported("noColor"),
        unsupported("maxSize"),
        unsupported("maxAge"),
        unsupported("maxBackups"),
        unsupported("compress"),
        unsupported("otlp"),
    });
    const auto& access_log = structure<access_log_config>(
        {
            leaf("filePath", &access_log_config::file_path, "access log file (stdout)"),
            leaf("format", &access_log_config::format, "common or json (common)"),
            leaf("bufferingSize", &access_log_config::buffering_size, "lines kept in memory before writing (0)"),
            http_only("filters"),
            http_only("fields"),
            unsupported("addInternals"),
            unsupported("otlp"),
        },
        &access_log_config::enabled);
    const auto& core = structure({
        leaf("defaultRuleSyntax", &static_config::default_rule_syntax, "rule syntax of routers that name none (v3)"),
        leaf("threads", &static_config::threads, "Switchyard: worker threads (0: one per core)"),
    });

    return structure({
        map("entryPoints", &static_config::entry_points, entry_point_schema()),
        field{"providers", &providers_d, same(), {}},
        field{"api", &api, member_access(&static_config::api), "enable the API"},
        field{"ping", &ping, member_access(&static_config::ping), "enable /ping"},
        field{"metrics", &metrics_d, same(), {}},
        field{"log", &log, member_access(&static_config::log), {}},
        field{"accessLog", &access_log, member_access(&static_config::access_log), "enable the TCP access log"},
        field{"core", &core, same(), {}},
        ignored("configFile", "", false, false),  // read by load_static before anything else
        http_only("certificatesResolvers"),
        http_only("serversTransport"),
        unsupported("tcpServersTransport"),
        unsupported("global"),
        unsupported("experimental"),
        unsupported("tracing"),
        unsupported("hostResolver"),
        unsupported("spiffe"),
        unsupported("ocsp"),
        unsupported("pilot"),
    });
}

void help_lines(const type_desc& d, const std::string& path, std::string& out) {
    const auto* fields = d.fields();
    if (!fields) return;
    for (const auto& f : *fields) {
        const std::string key = path.empty() ? f.name : path + "." + f.name;
        const type_desc* t = f.type;
        if (!f.help.empty()) {
            std::string line = "  --" + key;
            if (line.size() < 58) line.resize(58, ' ');
            else line += "  ";
            out += line + f.help + "\n";
        }
        if (t->kind() == desc_kind::optional) t = t->element();
        if (t->kind() == desc_kind::map)
            help_lines(*t->element(), key + ".<name>", out);
        else if (t->kind() == desc_kind::structure)
            help_lines(*t, key, out);
    }
}

}  // namespace

const type_desc& static_schema() {
    static const type_desc& d = build_static_schema();
    return d;
}

std::string static_help() {
    std::string out =
        "Usage: switchyard [--key=value ...]   (Traefik's static configuration; keys are case-insensitive)\n"
        "       switchyard version | healthcheck | rule check ...\n\n"
        "Configuration comes from ONE source, as in Traefik: a file (--configFile=PATH, or traefik.yml|yaml|toml in\n"
        "/etc/traefik/, $XDG_CONFIG_HOME/, $HOME/.config/, ./), else these flags, else TRAEFIK_* (or SWITCHYARD_*)\n"
        "environment variables (TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS=:25). A bare --flag means true.\n\n"
        "  --configFile=PATH                                       static configuration file (YAML or TOML)\n";
    help_lines(static_schema(), "", out);
    out += "\nHTTP-only Traefik keys (entryPoints.<name>.http.*, certificatesResolvers.*, providers.docker.defaultRule,\n"
           "serversTransport.*, ...) are accepted and ignored with a warning.\n";
    return out;
}

}  // namespace sy::config
