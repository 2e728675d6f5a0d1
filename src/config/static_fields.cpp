// Traefik's static configuration keys (pkg/config/static/static_config.go, entrypoints.go, pkg/provider/docker),
// restricted to what a TCP router uses. Keys that only concern Traefik's HTTP side, or features Switchyard does not
// have, are accepted and listed in static_config::ignored_keys, so a Traefik compose file starts unchanged.
#include <algorithm>

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
        auto hp = parse_listen_address(ep.address);
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
    const auto& starttls = structure({
        leaf("protocol", &entry_point_starttls::protocol,
             "Switchyard: speak this protocol's pre-TLS dialogue and route on the SNI after STARTTLS: smtp, imap, "
             "pop3 or managesieve"),
        leaf("hostname", &entry_point_starttls::hostname, "host name in the synthesized greeting (localhost)"),
        leaf("preTLSCommandTimeout", &entry_point_starttls::command_timeout,
             "how long a client may take for each command before STARTTLS (60s)"),
        leaf("preTLSTotalTimeout", &entry_point_starttls::total_timeout,
             "how long a client may take from accept to STARTTLS (120s)"),
        leaf("clientHelloTimeout", &entry_point_starttls::client_hello_timeout,
             "how long the ClientHello may take after STARTTLS (30s)"),
        leaf("backendConnectTimeout", &entry_point_starttls::backend_connect_timeout,
             "upper bound on connecting to the chosen server (10s)"),
        leaf("backendDialogueTimeout", &entry_point_starttls::backend_dialogue_timeout,
             "how long the server may take from its greeting to its STARTTLS reply (30s)"),
    });
    static const address_desc address;
    return structure({
        field{"address", &address, same(), "listen address: \":25\", \"127.0.0.1:25\", \"[::]:993\" (/tcp allowed)"},
        leaf("asDefault", &entry_point::as_default, "routers that name no entrypoint use this one"),
        optional("proxyProtocol", &entry_point::proxy_protocol, pp, true, "accept PROXY protocol headers"),
        field{"transport", &transport, same(), {}},
        leaf("serverFirstWait", &entry_point::server_first_wait,
             "Switchyard: how long a silent client is awaited before it goes to a non-TLS catch-all (300ms)"),
        optional("starttls", &entry_point::starttls, starttls, false,
                 "Switchyard: a mail STARTTLS entrypoint (see starttls.protocol)"),
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

/// providers.docker.tls and providers.swarm.tls: the same client certificates toward the Engine API.
const type_desc& docker_tls_schema() {
    static const type_desc& d = structure({
        leaf("ca", &docker_tls::ca, "CA file for the Docker daemon's TLS"),
        leaf("cert", &docker_tls::cert, "client certificate file"),
        leaf("key", &docker_tls::key, "client key file"),
        leaf("insecureSkipVerify", &docker_tls::insecure_skip_verify, "do not verify the daemon's certificate"),
    });
    return d;
}

const type_desc& docker_schema() {
    const auto& tls = docker_tls_schema();
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
            leaf("labelPrefix", &docker_provider::label_prefix,
                 "Switchyard: read <prefix>.tcp.*, <prefix>.enable, <prefix>.docker.* labels (traefik)"),
            http_only("defaultRule"),
            unsupported("username"),
            unsupported("password"),
        },
        &docker_provider::enabled);
}

const type_desc& swarm_schema() {
    const auto& tls = docker_tls_schema();
    return structure<swarm_provider>(
        {
            leaf("endpoint", &swarm_provider::endpoint, "a Swarm manager's Docker API (unix:///var/run/docker.sock)"),
            leaf("exposedByDefault", &swarm_provider::exposed_by_default,
                 "route services without traefik.enable=true (true)"),
            leaf("network", &swarm_provider::network, "default network to reach tasks on"),
            leaf("constraints", &swarm_provider::constraints, "expression over service labels selecting services"),
            leaf("refreshSeconds", &swarm_provider::refresh_seconds,
                 "poll services and tasks this often (15s); Swarm events also refresh at once"),
            leaf("watch", &swarm_provider::watch, "keep polling and following Swarm events (true)"),
            leaf("useBindPortIP", &swarm_provider::use_bind_port_ip,
                 "dial the node's address and host-mode published port before the task's network address"),
            leaf("allowEmptyServices", &swarm_provider::allow_empty_services,
                 "keep the routers of services with no running task, with no server"),
            leaf("httpClientTimeout", &swarm_provider::http_client_timeout, "timeout of Docker API calls (0: none)"),
            optional("tls", &swarm_provider::tls, tls, false),
            leaf("labelPrefix", &swarm_provider::label_prefix,
                 "Switchyard: read <prefix>.tcp.*, <prefix>.enable, <prefix>.swarm.* labels (traefik)"),
            http_only("defaultRule"),
            unsupported("username"),
            unsupported("password"),
        },
        &swarm_provider::enabled);
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
        field{"swarm", &swarm_schema(), member_access(&static_config::swarm), "enable the Docker Swarm provider"},
        field{"file", &file, member_access(&static_config::file), "enable the file provider"},
        leaf("providersThrottleDuration", &static_config::providers_throttle_duration,
             "wait this long for more provider changes before applying them (200ms; Traefik: 2s)"),
    };
    for (const char* other : {"kubernetesCRD", "kubernetesIngress", "kubernetesGateway", "consul",
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
    const auto& crowdsec = structure({
        leaf("url", &crowdsec_config::url,
             "Switchyard: CrowdSec Local API whose decision stream is followed into the ban list (http://host:8080)"),
        leaf("apiKeyFile", &crowdsec_config::api_key_file,
             "Switchyard: file holding the bouncer's API key (cscli bouncers add)"),
        leaf("pollInterval", &crowdsec_config::poll_interval, "Switchyard: how often decisions are pulled (10s)"),
        leaf("timeout", &crowdsec_config::timeout, "Switchyard: bound on one request to the Local API (10s)"),
    });
    const auto& ban_list = structure({
        field{"crowdsec", &crowdsec, member_access(&ban_list_config::crowdsec), {}},
        leaf("filename", &ban_list_config::filename,
             "Switchyard: file of banned addresses/CIDRs, one a line with an optional expiry (watched)"),
        leaf("entryPoints", &ban_list_config::entry_points,
             "Switchyard: entrypoints the ban list applies to (comma-separated; default: all)"),
        leaf("keepEstablished", &ban_list_config::keep_established,
             "Switchyard: a new ban spares the address's open connections (false: they are closed)"),
    });
    const auto& core = structure({
        leaf("defaultRuleSyntax", &static_config::default_rule_syntax, "rule syntax of routers that name none (v3)"),
        leaf("threads", &static_config::threads, "Switchyard: worker threads (0: one per core)"),
        leaf("dataPath", &static_config::data_path,
             "Switchyard: copy, auto or sockmap: relay bytes in the kernel with a BPF sockmap (copy)"),
        leaf("spliceStart", &static_config::splice_start,
             "Switchyard: fullBuffer or immediate: when a connection moves to the sockmap (fullBuffer)"),
    });

    const auto& tls = structure({
        leaf("acmeJSON", &static_config::acme_json,
             "Switchyard: Traefik acme.json files whose certificates TLS termination serves (read-only, watched)"),
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
        field{"banList", &ban_list, member_access(&static_config::ban_list), {}},
        field{"tls", &tls, same(), {}},
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

/// Every key with help text, in schema order: {key, description}.
void help_keys(const type_desc& d, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
    const auto* fields = d.fields();
    if (!fields) return;
    for (const auto& f : *fields) {
        const std::string key = path.empty() ? f.name : path + "." + f.name;
        const type_desc* t = f.type;
        if (!f.help.empty()) out.emplace_back(key, f.help);
        if (t->kind() == desc_kind::optional) t = t->element();
        if (t->kind() == desc_kind::map)
            help_keys(*t->element(), key + ".<name>", out);
        else if (t->kind() == desc_kind::structure)
            help_keys(*t, key, out);
    }
}

/// The section a key is listed under in --help: its first segment, the provider for providers.*.
std::string section_of(const std::string& key) {
    const auto dot = key.find('.');
    const std::string first = key.substr(0, dot);
    if (first == "providers" && dot != std::string::npos) {
        const auto next = key.find('.', dot + 1);
        const std::string provider = key.substr(dot + 1, next == std::string::npos ? next : next - dot - 1);
        if (provider == "docker" || provider == "swarm" || provider == "file") return "providers." + provider;
    }
    return first;
}

/// --help's sections, in the order they are listed.
constexpr std::pair<const char*, const char*> help_sections[] = {
        {"entryPoints", "Entrypoints: where connections arrive (one set of keys per name)"},
        {"providers", "Providers"},
        {"providers.docker", "Docker provider: routes from container labels"},
        {"providers.swarm", "Docker Swarm provider: routes from service labels (deploy.labels)"},
        {"providers.file", "File provider: routes from YAML or TOML files"},
        {"api", "API and dashboard (read-only)"},
        {"ping", "Health check"},
        {"metrics", "Metrics"},
        {"log", "Log"},
        {"accessLog", "TCP access log (one line per connection)"},
        {"core", "Core"},
        {"banList", "Ban list (Switchyard): refuse listed client addresses on every entrypoint or some"},
};

}  // namespace

const type_desc& static_schema() {
    static const type_desc& d = build_static_schema();
    return d;
}

std::string static_help() {
    std::string out =
        "Usage: switchyard [--key=value ...]   (Traefik's static configuration; keys are case-insensitive)\n"
        "       switchyard config check [--dynamic=FILE|DIR] [--key=value ...]   (validate, start nothing)\n"
        "       switchyard version | healthcheck | rule check ...\n\n"
        "Configuration comes from ONE source, as in Traefik: a file (--configFile=PATH, or traefik.yml|yaml|toml in\n"
        "/etc/traefik/, $XDG_CONFIG_HOME/, $HOME/.config/, ./), else these flags, else TRAEFIK_* (or SWITCHYARD_*)\n"
        "environment variables (TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS=:25). A bare --flag means true.\n\n"
        "  --configFile=PATH                                       static configuration file (YAML or TOML)\n";
    std::vector<std::pair<std::string, std::string>> keys;
    help_keys(static_schema(), "", keys);
    // Grouped by section; a key of a section without a title (none today) is listed under its own name, last.
    std::vector<std::pair<std::string, std::string>> order(std::begin(help_sections), std::end(help_sections));
    for (const auto& [key, _] : keys) {
        const std::string sec = section_of(key);
        if (std::none_of(order.begin(), order.end(), [&](const auto& o) { return o.first == sec; }))
            order.emplace_back(sec, sec);
    }
    for (const auto& [section, title] : order) {
        out += "\n" + title + ":\n";
        for (const auto& [key, help] : keys) {
            if (section_of(key) != section) continue;
            std::string line = "  --" + key;
            if (line.size() < 58) line.resize(58, ' ');
            else line += "  ";
            out += line + help + "\n";
        }
    }
    out += "\nHTTP-only Traefik keys (entryPoints.<name>.http.*, certificatesResolvers.*, providers.docker.defaultRule,\n"
           "serversTransport.*, ...) are accepted and ignored with a warning.\n";
    return out;
}

}  // namespace sy::config
