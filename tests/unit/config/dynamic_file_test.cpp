#include <algorithm>

#include "config/dynamic_file.hpp"
#include "sy_catch.hpp"

using namespace sy::config;
using namespace std::chrono_literals;

namespace {

const char* yaml = R"(
tcp:
  routers:
    mail:
      entryPoints: [smtp]
      rule: HostSNI(`*`)
      service: mail
      middlewares: [limit]
    imaps:
      entryPoints: [imaps]
      rule: HostSNI(`mail.example.com`)
      service: mail
      tls:
        passthrough: true
  services:
    mail:
      loadBalancer:
        servers:
          - address: 192.0.2.10:25
          - address: 192.0.2.11:25
            tls: false
        serversTransport: pp
    split:
      weighted:
        services:
          - name: mail
            weight: 3
          - name: other@docker
  middlewares:
    limit:
      inFlightConn:
        amount: 5
  serversTransports:
    pp:
      dialTimeout: 5s
      proxyProtocol:
        version: 1
tls:
  options:
    modern:
      minVersion: VersionTLS13
      sniStrict: true
  certificates:
    - certFile: /c.pem
      keyFile: /k.pem
http:
  routers:
    web:
      rule: Host(`x`)
)";

const char* toml = R"T(
[tcp.routers.mail]
entryPoints = ["smtp"]
rule = "HostSNI(`*`)"
service = "mail"
middlewares = ["limit"]

[tcp.routers.imaps]
entryPoints = ["imaps"]
rule = "HostSNI(`mail.example.com`)"
service = "mail"
[tcp.routers.imaps.tls]
passthrough = true

[tcp.services.mail.loadBalancer]
serversTransport = "pp"
[[tcp.services.mail.loadBalancer.servers]]
address = "192.0.2.10:25"
[[tcp.services.mail.loadBalancer.servers]]
address = "192.0.2.11:25"
tls = false

[[tcp.services.split.weighted.services]]
name = "mail"
weight = 3
[[tcp.services.split.weighted.services]]
name = "other@docker"

[tcp.middlewares.limit.inFlightConn]
amount = 5

[tcp.serversTransports.pp]
dialTimeout = "5s"
[tcp.serversTransports.pp.proxyProtocol]
version = 1

[tls.options.modern]
minVersion = "VersionTLS13"
sniStrict = true

[[tls.certificates]]
certFile = "/c.pem"
keyFile = "/k.pem"

[http.routers.web]
rule = "Host(`x`)"
)T";

}  // namespace

TEST_CASE("dynamic file: YAML decodes Traefik's layout") {
    auto r = decode_dynamic_file(yaml, "dynamic.yml");
    REQUIRE(r);
    const auto& c = r->config;
    CHECK(r->findings.empty());
    CHECK(c.routers.at("mail").entry_points == std::vector<std::string>{"smtp"});
    CHECK(c.routers.at("mail").middlewares == std::vector<std::string>{"limit"});
    CHECK(c.routers.at("imaps").tls->passthrough);
    const auto& lb = *c.services.at("mail").load_balancer;
    REQUIRE(lb.servers.size() == 2);
    CHECK(lb.servers[1].address == "192.0.2.11:25");
    CHECK(lb.servers_transport == "pp");
    const auto& w = *c.services.at("split").weighted;
    REQUIRE(w.services.size() == 2);
    CHECK(w.services[0].weight == 3);
    CHECK(w.services[1].weight == std::nullopt);
    CHECK(c.middlewares.at("limit").in_flight_conn->amount == 5);
    CHECK(c.servers_transports.at("pp").dial_timeout == 5s);
    CHECK(c.servers_transports.at("pp").dial_keep_alive == 15s);  // default kept
    CHECK(c.servers_transports.at("pp").proxy_protocol->version == 1);
    CHECK(c.tls.options.at("modern").min_version == "VersionTLS13");
    CHECK(c.tls.options.at("modern").sni_strict);
    REQUIRE(c.tls.certificates.size() == 1);
    CHECK(c.tls.certificates[0].key_file == "/k.pem");
}

TEST_CASE("dynamic file: TOML decodes to the same configuration as YAML") {
    auto y = decode_dynamic_file(yaml, "dynamic.yml");
    auto t = decode_dynamic_file(toml, "dynamic.toml");
    REQUIRE(y);
    REQUIRE(t);
    CHECK(t->findings.empty());
    CHECK(t->config == y->config);
}

TEST_CASE("dynamic file: a parse error names file:line") {
    auto r = decode_dynamic_file("tcp:\n  routers:\n    a: [\n", "bad.yml");
    REQUIRE_FALSE(r);
    CHECK(r.error().where.rfind("bad.yml:", 0) == 0);
    auto t = decode_dynamic_file("[tcp.routers.a]\nrule = \n", "bad.toml");
    REQUIRE_FALSE(t);
    CHECK(t.error().where.rfind("bad.toml:2", 0) == 0);
}

TEST_CASE("dynamic file: a bad key stays with its element, naming file:line and the key") {
    auto r = decode_dynamic_file("tcp:\n  routers:\n    a:\n      rul: HostSNI(`*`)\n    b:\n      rule: x\n"
                                 "  servics: {}\n",
                                 "d.yml");
    REQUIRE(r);
    REQUIRE(r->findings.size() == 2);
    CHECK(r->findings[0].element == element_finding::kind::router);
    CHECK(r->findings[0].name == "a");
    CHECK(r->findings[0].message == "d.yml:4: tcp.routers.a.rul: unknown key; did you mean tcp.routers.a.rule?");
    CHECK(r->findings[1].message.find("did you mean tcp.services?") != std::string::npos);
    CHECK(r->config.routers.at("b").rule == "x");
}

TEST_CASE("dynamic file: transport durations: negative only where it means something, never beyond 8760h") {
    auto r = decode_dynamic_file("tcp:\n  serversTransports:\n    neg:\n      dialTimeout: -1s\n"
                                 "    forever:\n      dialKeepAlive: -1s\n      terminationDelay: -1s\n"
                                 "    long:\n      terminationDelay: 9000h\n",
                                 "d.yml");
    REQUIRE(r);
    std::vector<std::string> messages;
    for (const auto& f : r->findings) messages.push_back(f.message);
    CHECK(messages == std::vector<std::string>{
                          "d.yml:4: tcp.serversTransports.neg.dialTimeout: invalid value \"-1s\": must not be "
                          "negative",
                          "d.yml:9: tcp.serversTransports.long.terminationDelay: invalid value \"9000h\": longer "
                          "than 8760h0m0s (365 days), the longest duration Switchyard accepts"});
    CHECK(r->config.servers_transports.at("forever").dial_keep_alive == std::chrono::seconds(-1));
    CHECK(r->config.servers_transports.at("forever").termination_delay == std::chrono::seconds(-1));
}
