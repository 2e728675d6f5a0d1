#include "config/load_static.hpp"
#include "sy_catch.hpp"
#include <algorithm>

using namespace sy::config;
using namespace std::chrono_literals;

namespace {

/// Only what the user configured: the bookkeeping differs by source.
static_config settings(static_config c) {
    c.ignored_keys.clear();
    c.warnings.clear();
    c.loaded_from.clear();
    return c;
}

const std::vector<std::string> flags{
    "--entryPoints.smtp.address=:25",
    "--entryPoints.smtp.proxyProtocol.trustedIPs=10.0.0.0/8,192.168.1.1",
    "--entryPoints.imaps.address=[::1]:993/tcp",
    "--entryPoints.imaps.transport.lifeCycle.graceTimeOut=1m30s",
    "--entryPoints.imaps.transport.respondingTimeouts.readTimeout=5",
    "--entryPoints.web.address=127.0.0.1:8081",
    "--entryPoints.web.http.redirections.entryPoint.to=websecure",
    "--providers.docker=true",
    "--providers.docker.exposedbydefault=false",
    "--providers.docker.network=proxy",
    "--providers.file.filename=/etc/switchyard/dynamic.yml",
    "--providers.providersThrottleDuration=500ms",
    "--api.insecure=true",
    "--log.level=DEBUG",
    "--accessLog=true",
    "--core.threads=2",
};

const std::map<std::string, std::string> env{
    {"TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS", ":25"},
    {"TRAEFIK_ENTRYPOINTS_SMTP_PROXYPROTOCOL_TRUSTEDIPS", "10.0.0.0/8,192.168.1.1"},
    {"TRAEFIK_ENTRYPOINTS_IMAPS_ADDRESS", "[::1]:993/tcp"},
    {"TRAEFIK_ENTRYPOINTS_IMAPS_TRANSPORT_LIFECYCLE_GRACETIMEOUT", "1m30s"},
    {"TRAEFIK_ENTRYPOINTS_IMAPS_TRANSPORT_RESPONDINGTIMEOUTS_READTIMEOUT", "5"},
    {"TRAEFIK_ENTRYPOINTS_WEB_ADDRESS", "127.0.0.1:8081"},
    {"TRAEFIK_ENTRYPOINTS_WEB_HTTP_REDIRECTIONS_ENTRYPOINT_TO", "websecure"},
    {"TRAEFIK_PROVIDERS_DOCKER", "true"},
    {"TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT", "false"},
    {"TRAEFIK_PROVIDERS_DOCKER_NETWORK", "proxy"},
    {"TRAEFIK_PROVIDERS_FILE_FILENAME", "/etc/switchyard/dynamic.yml"},
    {"TRAEFIK_PROVIDERS_PROVIDERSTHROTTLEDURATION", "500ms"},
    {"TRAEFIK_API_INSECURE", "true"},
    {"TRAEFIK_LOG_LEVEL", "DEBUG"},
    {"TRAEFIK_ACCESSLOG", "true"},
    {"SWITCHYARD_CORE_THREADS", "2"},
    {"HOME", "/nonexistent"},
};

const char* yaml = R"(
entryPoints:
  smtp:
    address: ":25"
    proxyProtocol:
      trustedIPs:
        - 10.0.0.0/8
        - 192.168.1.1
  imaps:
    address: "[::1]:993/tcp"
    transport:
      lifeCycle:
        graceTimeOut: 1m30s
      respondingTimeouts:
        readTimeout: 5
  web:
    address: 127.0.0.1:8081
    http:
      redirections:
        entryPoint:
          to: websecure
providers:
  docker:
    exposedByDefault: false
    network: proxy
  file:
    filename: /etc/switchyard/dynamic.yml
  providersThrottleDuration: 500ms
api:
  insecure: true
log:
  level: DEBUG
accessLog: {}
core:
  threads: 2
)";

const char* toml = R"(
[entryPoints.smtp]
address = ":25"
[entryPoints.smtp.proxyProtocol]
trustedIPs = ["10.0.0.0/8", "192.168.1.1"]
[entryPoints.imaps]
address = "[::1]:993/tcp"
[entryPoints.imaps.transport.lifeCycle]
graceTimeOut = "1m30s"
[entryPoints.imaps.transport.respondingTimeouts]
readTimeout = 5
[entryPoints.web]
address = "127.0.0.1:8081"
[entryPoints.web.http.redirections.entryPoint]
to = "websecure"
[providers]
providersThrottleDuration = "500ms"
[providers.docker]
exposedByDefault = false
network = "proxy"
[providers.file]
filename = "/etc/switchyard/dynamic.yml"
[api]
insecure = true
[log]
level = "DEBUG"
[accessLog]
[core]
threads = 2
)";

}  // namespace

TEST_CASE("flags decode into the expected static configuration") {
    auto r = static_from_flags(flags);
    REQUIRE(r);
    const static_config& c = *r;
    CHECK(c.loaded_from == "flags");
    REQUIRE(c.entry_points.size() == 4);  // smtp, imaps, web + the implicit `traefik` for api.insecure
    CHECK(c.entry_points.at("smtp").listen == sy::host_port{"", 25});
    REQUIRE(c.entry_points.at("smtp").proxy_protocol);
    CHECK(c.entry_points.at("smtp").proxy_protocol->trusted_ips.size() == 2);
    CHECK(c.entry_points.at("smtp").proxy_protocol->trusted_ips[1].to_string() == "192.168.1.1/32");
    CHECK(c.entry_points.at("imaps").listen == sy::host_port{"::1", 993});
    CHECK(c.entry_points.at("imaps").grace_timeout == 90s);
    CHECK(c.entry_points.at("imaps").read_timeout == 5s);
    CHECK(c.entry_points.at("web").listen == sy::host_port{"127.0.0.1", 8081});
    CHECK(c.entry_points.at("traefik").listen.port == 8080);
    CHECK(c.docker.enabled);
    CHECK_FALSE(c.docker.exposed_by_default);
    CHECK(c.docker.network == "proxy");
    CHECK(c.file.enabled);
    CHECK(c.file.filename == "/etc/switchyard/dynamic.yml");
    CHECK(c.providers_throttle_duration == 500ms);
    CHECK(c.api.enabled);
    CHECK(c.api.insecure);
    CHECK(c.log.level == "DEBUG");
    CHECK(c.access_log.enabled);
    CHECK(c.threads == 2);
    CHECK(c.ignored_keys == std::vector<std::string>{"--entryPoints.web.http.redirections.entryPoint.to"});
}

TEST_CASE("flags, environment, YAML and TOML decode to the same static configuration") {
    auto from_flags = static_from_flags(flags);
    auto from_env = static_from_env(env);
    auto from_yaml = static_from_file(yaml, "traefik.yml");
    auto from_toml = static_from_file(toml, "traefik.toml");
    REQUIRE(from_flags);
    REQUIRE(from_env);
    REQUIRE(from_yaml);
    REQUIRE(from_toml);
    // Environment names lose case: the same entry point names are lower case in every source here.
    CHECK(settings(*from_env) == settings(*from_flags));
    CHECK(settings(*from_yaml) == settings(*from_flags));
    CHECK(settings(*from_toml) == settings(*from_flags));
    CHECK(from_env->ignored_keys == std::vector<std::string>{"TRAEFIK_ENTRYPOINTS_WEB_HTTP_REDIRECTIONS_ENTRYPOINT_TO"});
    CHECK(from_yaml->ignored_keys == std::vector<std::string>{"entryPoints.web.http.redirections.entryPoint.to"});
    CHECK(from_env->loaded_from == "environment");
}

TEST_CASE("defaults: Traefik's `http` entrypoint on :80, no providers") {
    auto r = static_from_env({{"HOME", "/x"}});
    REQUIRE(r);
    CHECK(r->loaded_from == "defaults");
    REQUIRE(r->entry_points.size() == 1);
    CHECK(r->entry_points.at("http").listen.port == 80);
    CHECK_FALSE(r->docker.enabled);
    CHECK(r->log.level == "ERROR");
}

TEST_CASE("ping and prometheus create the `traefik` entrypoint unless defined; the secure API does not") {
    std::vector<std::string> a{"--entryPoints.smtp.address=:25", "--ping"};
    auto r = static_from_flags(a);
    REQUIRE(r);
    CHECK(r->ping.enabled);
    CHECK(r->entry_points.count("traefik") == 1);
    std::vector<std::string> b{"--entryPoints.smtp.address=:25", "--api"};
    r = static_from_flags(b);
    REQUIRE(r);
    CHECK(r->api.enabled);
    CHECK(r->entry_points.count("traefik") == 0);
    std::vector<std::string> c{"--entryPoints.traefik.address=:9000", "--metrics.prometheus=true"};
    r = static_from_flags(c);
    REQUIRE(r);
    CHECK(r->prometheus.enabled);
    CHECK(r->entry_points.at("traefik").listen.port == 9000);
}

TEST_CASE("unknown keys stop start-up naming the key and suggesting the closest") {
    std::vector<std::string> a{"--entryPoints.smtp.adress=:25"};
    auto r = static_from_flags(a);
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string().find(
              "--entryPoints.smtp.adress: unknown key; did you mean --entryPoints.smtp.address?") == 0);
    std::vector<std::string> b{"--providers.dockr.endpoint=unix:///x"};
    r = static_from_flags(b);
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string() ==
          "--providers.dockr.endpoint: unknown key; did you mean --providers.docker.endpoint?");
    auto e = static_from_env({{"TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFALT", "false"}});
    REQUIRE_FALSE(e);
    CHECK(e.error().to_string() ==
          "TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFALT: unknown key; did you mean TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT?");
    auto y = static_from_file("log:\n  levl: DEBUG\n", "traefik.yml");
    REQUIRE_FALSE(y);
    CHECK(y.error().to_string() == "traefik.yml:2: log.levl: unknown key; did you mean log.level?");
}

TEST_CASE("bad values stop start-up naming the key and the value") {
    auto err = [](std::string flag) {
        std::vector<std::string> a{std::move(flag)};
        auto r = static_from_flags(a);
        REQUIRE_FALSE(r);
        return r.error().to_string();
    };
    CHECK(err("--entryPoints.smtp.address=:99999").rfind("--entryPoints.smtp.address: invalid value \":99999\"", 0) ==
          0);
    CHECK(err("--entryPoints.smtp.address=:25/udp").find("UDP entrypoints are not supported") != std::string::npos);
    CHECK(err("--entryPoints.smtp.address=:25/udp").rfind("--entryPoints.smtp.address: invalid value \":25/udp\"", 0) == 0);
    CHECK(err("--entryPoints.smtp.address=smtp").rfind("--entryPoints.smtp.address: invalid value \"smtp\"", 0) == 0);
    CHECK(err("--entryPoints.smtp.proxyProtocol.trustedIPs=10.0.0.0/33")
              .rfind("--entryPoints.smtp.proxyProtocol.trustedIPs: invalid value \"10.0.0.0/33\"", 0) == 0);
    CHECK(err("--providers.providersThrottleDuration=2 s")
              .rfind("--providers.providersThrottleDuration: invalid value \"2 s\"", 0) == 0);
    CHECK(err("--providers.docker.watch=yes").rfind("--providers.docker.watch: invalid value \"yes\"", 0) == 0);
    CHECK(err("--log.level=LOUD").find("--log.level: invalid value \"LOUD\"") != std::string::npos);
    CHECK(err("--core.threads=many").rfind("--core.threads: invalid value \"many\"", 0) == 0);
    CHECK(err("--providers.docker.labelPrefix=switchyard.").rfind(
              "--providers.docker.labelPrefix: invalid value \"switchyard.\"", 0) == 0);
}

TEST_CASE("entryPoints.<n>.starttls: the protocol, the greeting's host name and the timeouts, with defaults") {
    std::vector<std::string> a{"--entryPoints.sub.address=:587", "--entryPoints.sub.starttls.protocol=SMTP",
                               "--entryPoints.sub.starttls.preTLSCommandTimeout=5s",
                               "--entryPoints.imap.address=:143", "--entryPoints.imap.starttls.protocol=imap",
                               "--entryPoints.imap.starttls.hostname=mail.example.com",
                               "--entryPoints.smtp.address=:25"};
    auto r = static_from_flags(a);
    REQUIRE(r);
    const auto& sub = r->entry_points.at("sub").starttls;
    REQUIRE(sub);
    CHECK(sub->protocol == "smtp");
    CHECK(sub->hostname == "localhost");
    CHECK(sub->command_timeout == 5s);
    CHECK(sub->total_timeout == 120s);
    CHECK(sub->client_hello_timeout == 30s);
    CHECK(sub->backend_connect_timeout == 10s);
    CHECK(sub->backend_dialogue_timeout == 30s);
    CHECK(r->entry_points.at("imap").starttls->hostname == "mail.example.com");
    CHECK_FALSE(r->entry_points.at("smtp").starttls);
    std::vector<std::string> bad{"--entryPoints.x.address=:1", "--entryPoints.x.starttls.protocol=sieve"};
    auto e = static_from_flags(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().to_string().find("--entryPoints.x.starttls.protocol: invalid value \"sieve\": use smtp, imap, "
                                     "pop3 or managesieve") != std::string::npos);
    std::vector<std::string> missing{"--entryPoints.x.address=:1", "--entryPoints.x.starttls.hostname=a"};
    auto m = static_from_flags(missing);
    REQUIRE_FALSE(m);
    CHECK(m.error().to_string().find("--entryPoints.x.starttls.protocol: missing") != std::string::npos);
    std::string help = static_help();
    for (const char* key : {"--entryPoints.<name>.starttls.protocol", "--entryPoints.<name>.starttls.hostname",
                            "--entryPoints.<name>.starttls.preTLSCommandTimeout",
                            "--entryPoints.<name>.starttls.preTLSTotalTimeout",
                            "--entryPoints.<name>.starttls.clientHelloTimeout",
                            "--entryPoints.<name>.starttls.backendConnectTimeout",
                            "--entryPoints.<name>.starttls.backendDialogueTimeout"})
        CHECK(help.find(key) != std::string::npos);
}

TEST_CASE("duration keys refuse negative values and values beyond 8760h, naming the key and the value") {
    // issue 14: every duration key is validated for sign and range at start-up.
    auto err = [](std::string flag) -> std::string {
        std::vector<std::string> a{"--entryPoints.smtp.address=:25", std::move(flag)};
        auto r = static_from_flags(a);
        if (r) return "accepted";
        return r.error().to_string();
    };
    for (std::string key : {"--entryPoints.smtp.transport.respondingTimeouts.readTimeout",
                            "--entryPoints.smtp.transport.lifeCycle.graceTimeOut",
                            "--entryPoints.smtp.transport.lifeCycle.requestAcceptGraceTimeout",
                            "--entryPoints.smtp.serverFirstWait", "--providers.docker.httpClientTimeout",
                            "--providers.providersThrottleDuration"}) {
        INFO(key);
        CHECK(err(key + "=-1s") == key + ": invalid value \"-1s\": must not be negative");
        CHECK(err(key + "=8761h") ==
              key + ": invalid value \"8761h\": longer than 8760h0m0s (365 days), the longest duration Switchyard "
                    "accepts");
        CHECK(err(key + "=8760h") == "accepted");
        CHECK(err(key + "=0") == "accepted");
    }
}

TEST_CASE("providers.docker.labelPrefix: traefik by default, any plain prefix when set") {
    std::vector<std::string> none{"--providers.docker"};
    CHECK(static_from_flags(none)->docker.label_prefix == "traefik");
    std::vector<std::string> own{"--providers.docker.labelPrefix=switchyard"};
    CHECK(static_from_flags(own)->docker.label_prefix == "switchyard");
}

TEST_CASE("core.dataPath and core.spliceStart: copy and fullBuffer by default, case-insensitive, values checked") {
    std::vector<std::string> none{"--entryPoints.smtp.address=:25"};
    auto d = static_from_flags(none);
    REQUIRE(d);
    CHECK(d->data_path == "copy");
    CHECK(d->splice_start == "fullbuffer");
    std::vector<std::string> set{"--entryPoints.smtp.address=:25", "--core.dataPath=SockMap", "--core.spliceStart=immediate"};
    auto c = static_from_flags(set);
    REQUIRE(c);
    CHECK(c->data_path == "sockmap");
    CHECK(c->splice_start == "immediate");
    auto e = static_from_env({{"SWITCHYARD_ENTRYPOINTS_SMTP_ADDRESS", ":25"}, {"SWITCHYARD_CORE_DATAPATH", "auto"}});
    REQUIRE(e);
    CHECK(e->data_path == "auto");
    std::vector<std::string> bad{"--core.dataPath=splice", "--core.spliceStart=later"};
    auto b = static_from_flags(bad);
    REQUIRE_FALSE(b);
    const auto why = b.error().to_string();
    CHECK(why.find("--core.dataPath: invalid value \"splice\": use copy, auto or sockmap") != std::string::npos);
    CHECK(why.find("--core.spliceStart: invalid value \"later\": use fullBuffer or immediate") != std::string::npos);
}

TEST_CASE("banList: filename, entryPoints and keepEstablished decode from flags and environment; names checked") {
    std::vector<std::string> a{"--entryPoints.smtp.address=:25", "--entryPoints.imap.address=:143",
                               "--banList.filename=/var/lib/switchyard/bans.txt", "--banList.entryPoints=smtp,imap",
                               "--banList.keepEstablished"};
    auto c = static_from_flags(a);
    REQUIRE(c);
    CHECK(c->ban_list.filename == "/var/lib/switchyard/bans.txt");
    CHECK(c->ban_list.entry_points == std::vector<std::string>{"smtp", "imap"});
    CHECK(c->ban_list.keep_established);
    auto e = static_from_env({{"SWITCHYARD_ENTRYPOINTS_SMTP_ADDRESS", ":25"},
                              {"SWITCHYARD_BANLIST_FILENAME", "/bans.txt"}});
    REQUIRE(e);
    CHECK(e->ban_list.filename == "/bans.txt");
    CHECK(e->ban_list.entry_points.empty());
    CHECK_FALSE(e->ban_list.keep_established);  // by default a new ban closes open connections
    auto err = [](std::vector<std::string> flags) {
        auto r = static_from_flags(flags);
        REQUIRE_FALSE(r);
        return r.error().to_string();
    };
    CHECK(err({"--entryPoints.smtp.address=:25", "--banList.filename=/b", "--banList.entryPoints=smpt"})
              .find("--banList.entryPoints: entryPoint \"smpt\" doesn't exist") != std::string::npos);
    CHECK(err({"--entryPoints.smtp.address=:25", "--banList.entryPoints=smtp"})
              .find("--banList.filename: missing") != std::string::npos);
}

TEST_CASE("banList.crowdsec: url, apiKeyFile, pollInterval, timeout; checked together") {
    std::vector<std::string> a{"--entryPoints.smtp.address=:25", "--banList.crowdsec.url=http://127.0.0.1:8080",
                               "--banList.crowdsec.apiKeyFile=/run/secrets/crowdsec", "--banList.entryPoints=smtp",
                               "--banList.crowdsec.pollInterval=2s"};
    auto c = static_from_flags(a);
    REQUIRE(c);
    CHECK(c->ban_list.crowdsec.url == "http://127.0.0.1:8080");
    CHECK(c->ban_list.crowdsec.api_key_file == "/run/secrets/crowdsec");
    CHECK(c->ban_list.crowdsec.poll_interval == 2s);
    CHECK(c->ban_list.crowdsec.timeout == 10s);
    CHECK(c->ban_list.enabled());  // a ban list without a file: CrowdSec alone
    CHECK(c->ban_list.filename.empty());
    auto e = static_from_env({{"SWITCHYARD_ENTRYPOINTS_SMTP_ADDRESS", ":25"},
                              {"SWITCHYARD_BANLIST_CROWDSEC_URL", "https://lapi:8080/"},
                              {"SWITCHYARD_BANLIST_CROWDSEC_APIKEYFILE", "/k"}});
    REQUIRE(e);
    CHECK(e->ban_list.crowdsec.poll_interval == 10s);  // CrowdSec's bouncers' update_frequency
    CHECK_FALSE(static_from_flags(std::vector<std::string>{"--entryPoints.smtp.address=:25"})->ban_list.enabled());
    auto err = [](std::vector<std::string> flags) {
        auto r = static_from_flags(flags);
        REQUIRE_FALSE(r);
        return r.error().to_string();
    };
    CHECK(err({"--banList.crowdsec.url=http://127.0.0.1:8080"})
              .find("--banList.crowdsec.apiKeyFile: missing: banList.crowdsec.url needs it") != std::string::npos);
    CHECK(err({"--banList.crowdsec.url=127.0.0.1:8080", "--banList.crowdsec.apiKeyFile=/k"})
              .find("--banList.crowdsec.url: invalid value \"127.0.0.1:8080\": use http://host:port") !=
          std::string::npos);
    CHECK(err({"--banList.crowdsec.url=http://h:1", "--banList.crowdsec.apiKeyFile=/k",
               "--banList.crowdsec.pollInterval=0s"})
              .find("--banList.crowdsec.pollInterval: invalid value: must be more than 0") != std::string::npos);
    CHECK(err({"--banList.crowdsec.apiKeyFile=/k"}).find("--banList.crowdsec.url: missing") != std::string::npos);
}

TEST_CASE("every error is reported, one per line") {
    std::vector<std::string> a{"--entryPoints.a.address=:0x", "--log.levl=INFO"};
    auto r = static_from_flags(a);
    REQUIRE_FALSE(r);
    CHECK(r.error().what.find('\n') != std::string::npos);
}

TEST_CASE("load_static: a configuration file wins over flags and environment, as in Traefik") {
    const std::string path = "sy_unit_static_test.yml";
    {
        FILE* f = std::fopen(path.c_str(), "w");
        REQUIRE(f);
        std::fputs("entryPoints:\n  smtp:\n    address: ':2525'\n", f);
        std::fclose(f);
    }
    std::vector<std::string> a{"--configFile=" + path, "--log.level=DEBUG"};
    auto r = load_static(a, env);
    std::remove(path.c_str());
    REQUIRE(r);
    CHECK(r->loaded_from == path);
    CHECK(r->entry_points.at("smtp").listen.port == 2525);
    CHECK(r->log.level == "ERROR");  // the flag is ignored ...
    CHECK_FALSE(r->warnings.empty());  // ... and we say so
    std::vector<std::string> missing{"--configFile=/nonexistent/traefik.yml"};
    CHECK_FALSE(load_static(missing, env));
}

TEST_CASE("load_static: flags when given, else the environment") {
    std::vector<std::string> a{"--entryPoints.smtp.address=:25"};
    auto r = load_static(a, env);
    REQUIRE(r);
    CHECK(r->loaded_from == "flags");
    CHECK(r->entry_points.size() == 1);
    r = load_static({}, env);
    REQUIRE(r);
    CHECK(r->loaded_from == "environment");
    CHECK(r->threads == 2);
}

TEST_CASE("help lists the supported keys") {
    std::string h = static_help();
    for (const char* key : {"--entryPoints.<name>.address", "--entryPoints.<name>.proxyProtocol.trustedIPs",
                            "--entryPoints.<name>.transport.lifeCycle.graceTimeOut", "--providers.docker.endpoint",
                            "--providers.file.directory", "--api.insecure", "--log.level", "--accessLog.format",
                            "--core.defaultRuleSyntax", "--core.threads", "--metrics.prometheus"})
        CHECK(h.find(key) != std::string::npos);
}

TEST_CASE("help groups the keys by section") {
    std::string h = static_help();
    auto at = [&](const char* s) { return h.find(s); };
    const char* order[] = {"\nEntrypoints:", "--entryPoints.<name>.address", "\nProviders:",
                           "--providers.providersThrottleDuration", "\nDocker provider:", "--providers.docker.endpoint",
                           "--providers.docker.labelPrefix", "\nFile provider:", "--providers.file.directory",
                           "\nAPI and dashboard", "--api.insecure", "\nLog:", "--log.level", "\nCore:", "--core.threads"};
    for (size_t i = 0; i + 1 < std::size(order); ++i) {
        INFO(order[i] << " before " << order[i + 1]);
        REQUIRE(at(order[i]) != std::string::npos);
        CHECK(at(order[i]) < at(order[i + 1]));
    }
    CHECK(h.find("switchyard config check") != std::string::npos);
}

TEST_CASE("environment: a bare section enables it, SWITCHYARD_ wins over TRAEFIK_, names are lower case") {
    auto r = static_from_env({{"TRAEFIK_PROVIDERS_DOCKER", "true"},
                              {"TRAEFIK_ENTRYPOINTS_MAIL_IN_ADDRESS", ":2525"},
                              {"TRAEFIK_LOG_LEVEL", "INFO"},
                              {"SWITCHYARD_LOG_LEVEL", "DEBUG"},
                              {"TRAEFIK_SOMETHING_ELSE", "not ours"}});
    REQUIRE(r);
    CHECK(r->docker.enabled);
    CHECK(r->entry_points.at("mail_in").listen.port == 2525);
    CHECK(r->log.level == "DEBUG");
}

TEST_CASE("providers.swarm: Traefik v3's keys, its defaults, refreshSeconds as a duration or bare seconds") {
    std::vector<std::string> none{"--providers.swarm"};
    auto d = static_from_flags(none);
    REQUIRE(d);
    CHECK(d->swarm.enabled);
    CHECK_FALSE(d->docker.enabled);
    CHECK(d->swarm.exposed_by_default);
    CHECK(d->swarm.watch);
    CHECK(d->swarm.refresh_seconds == 15s);
    CHECK(d->swarm.label_prefix == "traefik");

    std::vector<std::string> all{"--providers.swarm.endpoint=tcp://manager:2376",
                                 "--providers.swarm.exposedByDefault=false",
                                 "--providers.swarm.network=mail_proxy",
                                 "--providers.swarm.constraints=Label(`a`,`b`)",
                                 "--providers.swarm.refreshSeconds=30",
                                 "--providers.swarm.watch=false",
                                 "--providers.swarm.useBindPortIP=true",
                                 "--providers.swarm.allowEmptyServices=true",
                                 "--providers.swarm.httpClientTimeout=5s",
                                 "--providers.swarm.tls.ca=/ca.pem",
                                 "--providers.swarm.tls.insecureSkipVerify=true",
                                 "--providers.swarm.labelPrefix=switchyard",
                                 "--providers.swarm.defaultRule=Host(`x`)"};
    auto s = static_from_flags(all);
    REQUIRE(s);
    CHECK(s->swarm.enabled);
    CHECK(s->swarm.endpoint == "tcp://manager:2376");
    CHECK_FALSE(s->swarm.exposed_by_default);
    CHECK(s->swarm.network == "mail_proxy");
    CHECK(s->swarm.constraints == "Label(`a`,`b`)");
    CHECK(s->swarm.refresh_seconds == 30s);
    CHECK_FALSE(s->swarm.watch);
    CHECK(s->swarm.use_bind_port_ip);
    CHECK(s->swarm.allow_empty_services);
    CHECK(s->swarm.http_client_timeout == 5s);
    REQUIRE(s->swarm.tls);
    CHECK(s->swarm.tls->ca == "/ca.pem");
    CHECK(s->swarm.tls->insecure_skip_verify);
    CHECK(s->swarm.label_prefix == "switchyard");
    CHECK(std::find(s->ignored_keys.begin(), s->ignored_keys.end(), "--providers.swarm.defaultRule") !=
          s->ignored_keys.end());

    std::vector<std::string> env_like{"--providers.swarm.refreshSeconds=1m"};
    CHECK(static_from_flags(env_like)->swarm.refresh_seconds == 60s);
    std::vector<std::string> zero{"--providers.swarm.refreshSeconds=0s"};
    auto z = static_from_flags(zero);
    REQUIRE_FALSE(z);
    CHECK(z.error().to_string().find("--providers.swarm.refreshSeconds: invalid value: must be more than 0") !=
          std::string::npos);
    std::vector<std::string> prefix{"--providers.swarm.labelPrefix=a..b"};
    REQUIRE_FALSE(static_from_flags(prefix));
}
