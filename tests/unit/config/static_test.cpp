#include "config/load_static.hpp"
#include "sy_catch.hpp"

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
