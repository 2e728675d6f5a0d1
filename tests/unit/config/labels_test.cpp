#include <algorithm>

#include "config/labels.hpp"
#include "sy_catch.hpp"

using namespace sy::config;
using kind = element_finding::kind;

namespace {

bool has_finding(const container_labels& l, kind k, const std::string& name, bool error, const std::string& part) {
    return std::any_of(l.findings.begin(), l.findings.end(), [&](const element_finding& f) {
        return f.element == k && f.name == name && f.is_error == error && f.message.find(part) != std::string::npos;
    });
}

std::string dump(const container_labels& l) {
    std::string s;
    for (const auto& f : l.findings) s += (f.is_error ? "E " : "W ") + f.name + ": " + f.message + "\n";
    return s;
}

}  // namespace

TEST_CASE("labels: the docker-mailserver example (traefik-tcp.md §1.8)") {
    auto l = decode_labels({
        {"traefik.enable", "true"},
        {"traefik.tcp.routers.smtp.rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.smtp.entrypoints", "smtp"},
        {"traefik.tcp.routers.smtp.service", "smtp"},
        {"traefik.tcp.services.smtp.loadbalancer.server.port", "25"},
        {"traefik.tcp.services.smtp.loadbalancer.proxyProtocol.version", "2"},
        {"traefik.tcp.routers.smtps.rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.smtps.entrypoints", "smtps"},
        {"traefik.tcp.routers.smtps.tls.passthrough", "true"},
        {"traefik.tcp.routers.smtps.service", "smtps"},
        {"traefik.tcp.services.smtps.loadbalancer.server.port", "465"},
        {"traefik.tcp.services.smtps.loadbalancer.proxyProtocol.version", "2"},
    });
    INFO(dump(l));
    CHECK(l.findings.empty());
    CHECK(l.enable == true);
    CHECK(l.has_tcp);
    tcp_router smtp;
    smtp.entry_points = {"smtp"};
    smtp.service = "smtp";
    smtp.rule = "HostSNI(`*`)";
    tcp_router smtps = smtp;
    smtps.entry_points = {"smtps"};
    smtps.service = "smtps";
    smtps.tls = router_tls{};
    smtps.tls->passthrough = true;
    CHECK(l.config.routers == std::map<std::string, tcp_router>{{"smtp", smtp}, {"smtps", smtps}});
    tcp_service s25;
    s25.load_balancer.emplace();
    s25.load_balancer->servers = {tcp_server{"", "25", false}};
    s25.load_balancer->proxy_protocol = proxy_protocol{2};
    tcp_service s465 = s25;
    s465.load_balancer->servers[0].port = "465";
    CHECK(l.config.services == std::map<std::string, tcp_service>{{"smtp", s25}, {"smtps", s465}});
}

TEST_CASE("labels: key segments are case-insensitive; names merge case-insensitively, first spelling wins") {
    auto l = decode_labels({
        {"traefik.TCP.Routers.Mail.Rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.mail.EntryPoints", "smtp, submission"},
        {"traefik.tcp.middlewares.Limit.InFlightConn.Amount", "10"},
        {"traefik.tcp.middlewares.allow.ipallowlist.sourcerange", "10.0.0.0/8, 192.168.0.0/16"},
        {"traefik.tcp.middlewares.Bans.IPDenyList.SourceRange", "192.0.2.7, 2001:db8::/32"},
    });
    INFO(dump(l));
    CHECK(l.findings.empty());
    REQUIRE(l.config.routers.count("Mail") == 1);
    CHECK(l.config.routers.at("Mail").rule == "HostSNI(`*`)");
    CHECK(l.config.routers.at("Mail").entry_points == std::vector<std::string>{"smtp", "submission"});
    CHECK(l.config.middlewares.at("Limit").in_flight_conn->amount == 10);
    CHECK(l.config.middlewares.at("allow").ip_allow_list->source_range ==
          std::vector<std::string>{"10.0.0.0/8", "192.168.0.0/16"});
    CHECK(l.config.middlewares.at("Bans").ip_deny_list->source_range ==
          std::vector<std::string>{"192.0.2.7", "2001:db8::/32"});
    CHECK(l.has_tcp);
}

TEST_CASE("labels: tls allowEmpty meanings, with warnings where surprising (§1.1-1.2)") {
    auto l = decode_labels({
        {"traefik.tcp.routers.a.rule", "HostSNI(`a`)"},
        {"traefik.tcp.routers.a.tls", "true"},
        {"traefik.tcp.routers.b.rule", "HostSNI(`b`)"},
        {"traefik.tcp.routers.b.tls", ""},
        {"traefik.tcp.routers.c.rule", "HostSNI(`c`)"},
        {"traefik.tcp.routers.c.tls", "false"},
        {"traefik.tcp.routers.c.tls.passthrough", "true"},
        {"traefik.tcp.routers.d.rule", "HostSNI(`d`)"},
        {"traefik.tcp.routers.d.tls", "yes"},
        {"traefik.tcp.routers.e.rule", "HostSNI(`e`)"},
        {"traefik.tcp.routers.e.tls.passthrough", "false"},
        {"traefik.tcp.routers.f.rule", "HostSNI(`f`)"},
        {"traefik.tcp.routers.f.tls.domains[0].main", "example.com"},
        {"traefik.tcp.routers.f.tls.domains[0].sans", "a.example.com,b.example.com"},
        {"traefik.tcp.routers.f.tls.certresolver", "le"},
        {"traefik.tcp.routers.f.tls.options", "modern@file"},
    });
    INFO(dump(l));
    CHECK(l.config.routers.at("a").tls);
    CHECK(l.config.routers.at("b").tls);
    CHECK_FALSE(l.config.routers.at("c").tls);  // Traefik: tls=false wins over tls.passthrough=true
    CHECK(has_finding(l, kind::router, "c", false, "traefik.tcp.routers.c.tls.passthrough"));
    CHECK_FALSE(l.config.routers.at("d").tls);
    CHECK(has_finding(l, kind::router, "d", false, "\"yes\""));
    REQUIRE(l.config.routers.at("e").tls);  // passthrough=false alone still means TLS (termination)
    CHECK_FALSE(l.config.routers.at("e").tls->passthrough);
    CHECK(has_finding(l, kind::router, "e", false, "termination"));
    const auto& f = *l.config.routers.at("f").tls;
    REQUIRE(f.domains.size() == 1);
    CHECK(f.domains[0].main == "example.com");
    CHECK(f.domains[0].sans == std::vector<std::string>{"a.example.com", "b.example.com"});
    CHECK(f.cert_resolver == "le");
    CHECK(f.options == "modern@file");
    CHECK(l.findings.size() == 3);
}

TEST_CASE("labels: proxyProtocol=true means version 2, with a warning") {
    auto l = decode_labels({
        {"traefik.tcp.services.s.loadbalancer.server.port", "25"},
        {"traefik.tcp.services.s.loadbalancer.proxyprotocol", "true"},
        {"traefik.tcp.services.t.loadbalancer.server.port", "25"},
        {"traefik.tcp.services.t.loadbalancer.proxyprotocol.version", "true"},
    });
    REQUIRE(l.config.services.at("s").load_balancer->proxy_protocol);
    CHECK(l.config.services.at("s").load_balancer->proxy_protocol->version == 2);
    CHECK(has_finding(l, kind::service, "s", false, "version 2"));
    // An int field: "true" is a bad value, an error on that service only.
    CHECK(has_finding(l, kind::service, "t", true, "traefik.tcp.services.t.loadbalancer.proxyprotocol.version"));
}

TEST_CASE("labels: an unknown key or bad value stays with its element (Traefik drops the container)") {
    auto l = decode_labels({
        {"traefik.tcp.routers.good.rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.bad.rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.bad.entrypionts", "smtp"},
        {"traefik.tcp.routers.prio.rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.prio.priority", "high"},
        {"traefik.tcp.services.s.loadbalancer.servers[0].port", "25"},
        {"traefik.tcp.services.x.loadbalancer", "true"},
        {"traefik.tcp.middlewares.m.inflightconn.amount", "ten"},
    });
    INFO(dump(l));
    CHECK(has_finding(l, kind::router, "bad", true,
                      "traefik.tcp.routers.bad.entrypionts: unknown key; did you mean traefik.tcp.routers.bad.entryPoints?"));
    CHECK(has_finding(l, kind::router, "prio", true, "traefik.tcp.routers.prio.priority: invalid value \"high\""));
    CHECK(has_finding(l, kind::service, "s", true, "did you mean traefik.tcp.services.s.loadbalancer.server"));
    CHECK(has_finding(l, kind::service, "x", true, "traefik.tcp.services.x.loadbalancer: cannot take a value"));
    CHECK(has_finding(l, kind::middleware, "m", true, "invalid value \"ten\""));
    CHECK(l.findings.size() == 5);
    CHECK(l.config.routers.count("good") == 1);
    CHECK(l.config.routers.at("bad").rule == "HostSNI(`*`)");  // kept; the builder disables it with the error
}

TEST_CASE("labels: an element whose only label is malformed still exists, to carry its error (fuzz regression)") {
    // Found by the labels fuzz target: the finding named router "rtr" but no router was kept, so the API had no
    // element to show the error on.
    auto l = decode_labels({{"Traefik.tcp.routers.rtr.", ""}, {"traefik.tcp.services.s..port", "25"},
                            {"traefik.tcp.routers..rule", "x"}});
    INFO(dump(l));
    CHECK(has_finding(l, kind::other, "", true, "traefik.tcp.routers..rule: invalid label: empty segment"));
    CHECK(l.config.routers.size() == 1);
    CHECK(has_finding(l, kind::router, "rtr", true, "Traefik.tcp.routers.rtr.: invalid label: empty segment"));
    CHECK(has_finding(l, kind::service, "s", true, "traefik.tcp.services.s..port: invalid label: empty segment"));
    CHECK(l.config.routers.count("rtr") == 1);
    CHECK(l.config.services.count("s") == 1);
}

TEST_CASE("labels: a finding names its element as kept, whatever the label's spelling (fuzz regression)") {
    auto l = decode_labels({{"traefik.TCP.Routers.Mail.Rule", "HostSNI(`*`)"},
                            {"traefiK.tcp.routers.mail.priority", "1"}});
    INFO(dump(l));
    CHECK(has_finding(l, kind::router, "Mail", true, "invalid label root \"traefiK\""));
    CHECK(l.config.routers.size() == 1);
}

TEST_CASE("labels: fields labels cannot set are ignored with a warning") {
    auto l = decode_labels({
        {"traefik.tcp.services.s.loadbalancer.server.address", "10.0.0.1:25"},
        {"traefik.tcp.services.s.loadbalancer.server.port", "25"},
        {"traefik.tcp.services.w.weighted.services[0].name", "s"},
        {"traefik.tcp.serverstransports.pp.proxyprotocol.version", "2"},
    });
    INFO(dump(l));
    CHECK(l.config.services.at("s").load_balancer->servers.at(0).address.empty());
    CHECK(has_finding(l, kind::service, "s", false, "cannot be set by a label"));
    CHECK(has_finding(l, kind::service, "w", false, "weighted services cannot be defined by labels"));
    CHECK(has_finding(l, kind::other, "", false, "serversTransports cannot be defined by labels"));
    CHECK(std::none_of(l.findings.begin(), l.findings.end(), [](const auto& f) { return f.is_error; }));
}

TEST_CASE("labels: root, enable, docker options, other protocols") {
    auto l = decode_labels({
        {"Traefik.tcp.routers.r.rule", "HostSNI(`*`)"},
        {"traefik.http.routers.web.rule", "Host(`x`)"},
        {"traefik.udp.routers.dns.entrypoints", "dns"},
        {"traefik.docker.network", "proj_proxy"},
        {"traefik.docker.allownonrunning", "true"},
        {"traefik.enable", "yes"},
        {"com.docker.compose.service", "mail"},
    });
    INFO(dump(l));
    CHECK(has_finding(l, kind::router, "r", true, "invalid label root"));
    // The router exists only to carry its error (the builder disables it; the API shows why).
    CHECK(l.config.routers.size() == 1);
    CHECK(l.config.routers.at("r").rule.empty());
    CHECK(l.docker_network == "proj_proxy");
    CHECK(l.allow_non_running);
    CHECK(l.enable == false);
    CHECK(has_finding(l, kind::other, "", true, "traefik.enable"));
    CHECK(decode_labels({}).enable == std::nullopt);
}

TEST_CASE("labels: only middlewares do not count as TCP (§1.6)") {
    auto l = decode_labels({{"traefik.tcp.middlewares.m.ipallowlist.sourcerange", "10.0.0.0/8"}});
    CHECK_FALSE(l.has_tcp);
    CHECK(l.config.middlewares.count("m") == 1);
    auto s = decode_labels({{"traefik.tcp.services.s.loadbalancer.server.port", "25"}});
    CHECK(s.has_tcp);
}

TEST_CASE("labels: lists keep empty elements; ints may be negative; durations take seconds") {
    auto l = decode_labels({
        {"traefik.tcp.routers.r.rule", "HostSNI(`*`)"},
        {"traefik.tcp.routers.r.entrypoints", "a,,b,"},
        {"traefik.tcp.routers.r.priority", "-5"},
        {"traefik.tcp.services.s.loadbalancer.healthcheck.interval", "10"},
        {"traefik.tcp.services.s.loadbalancer.healthcheck.timeout", "500ms"},
        {"traefik.tcp.services.s.loadbalancer.server.tls", "true"},
        {"traefik.tcp.services.s.loadbalancer.serverstransport", "pp@file"},
    });
    INFO(dump(l));
    CHECK(l.findings.empty());
    CHECK(l.config.routers.at("r").entry_points == std::vector<std::string>{"a", "", "b", ""});
    CHECK(l.config.routers.at("r").priority == -5);
    const auto& lb = *l.config.services.at("s").load_balancer;
    CHECK(lb.health_check->interval == std::chrono::seconds(10));
    CHECK(lb.health_check->timeout == std::chrono::milliseconds(500));
    CHECK(lb.servers.at(0).tls);
    CHECK(lb.servers_transport == "pp@file");
}

TEST_CASE("labels: a negative or too long duration is an error on its element, naming the label and the value") {
    auto l = decode_labels({
        {"traefik.tcp.services.neg.loadbalancer.healthcheck.interval", "-10s"},
        {"traefik.tcp.services.long.loadbalancer.healthcheck.timeout", "9000h"},
        {"traefik.tcp.services.ok.loadbalancer.healthcheck.timeout", "8760h"},
    });
    INFO(dump(l));
    CHECK(has_finding(l, kind::service, "neg", true,
                      "traefik.tcp.services.neg.loadbalancer.healthcheck.interval: invalid value \"-10s\": must not "
                      "be negative"));
    CHECK(has_finding(l, kind::service, "long", true,
                      "traefik.tcp.services.long.loadbalancer.healthcheck.timeout: invalid value \"9000h\": longer "
                      "than 8760h0m0s (365 days)"));
    CHECK_FALSE(has_finding(l, kind::service, "ok", true, ""));
}

TEST_CASE("labels: providers.docker.labelPrefix reads its own labels and nothing under traefik.") {
    const std::map<std::string, std::string> both{
        {"traefik.enable", "true"},
        {"traefik.http.routers.web.rule", "Host(`mail.example.com`)"},
        {"traefik.tcp.routers.web.rule", "HostSNI(`*`)"},
        {"switchyard.enable", "true"},
        {"switchyard.docker.network", "mail_default"},
        {"switchyard.tcp.routers.smtp.rule", "HostSNI(`*`)"},
        {"Switchyard.TCP.Routers.smtp.EntryPoints", "smtp"},
        {"switchyard.tcp.services.smtp.loadbalancer.server.port", "25"},
        {"switchyard.tcp.services.smtp.loadbalancer.server.color", "blue"},
    };
    auto l = decode_labels(both, "switchyard");
    INFO(dump(l));
    CHECK(l.enable == true);
    CHECK(l.docker_network == "mail_default");
    CHECK(l.config.routers.size() == 1);
    CHECK(l.config.routers.count("smtp") == 1);
    CHECK(l.config.services.at("smtp").load_balancer->servers.at(0).port == "25");
    // The root is exact, as Traefik's; the message names the prefix; nothing is said about traefik.* labels.
    CHECK(has_finding(l, kind::router, "smtp", true, "labels must start with \"switchyard.\""));
    CHECK(has_finding(l, kind::service, "smtp", true, "switchyard.tcp.services.smtp.loadbalancer.server.color"));
    for (const auto& f : l.findings) CHECK(f.message.find("traefik.") == std::string::npos);

    // The default prefix reads the other half, and ignores switchyard.* labels.
    auto t = decode_labels(both);
    CHECK(t.config.routers.size() == 1);
    CHECK(t.config.routers.count("web") == 1);
    CHECK(t.docker_network.empty());

    // A dotted prefix works the same way.
    auto d = decode_labels({{"com.example.proxy.tcp.routers.r.rule", "HostSNI(`*`)"}}, "com.example.proxy");
    CHECK(d.config.routers.at("r").rule == "HostSNI(`*`)");
    CHECK(d.findings.empty());
}

TEST_CASE("labels: a label prefix must be one or more plain segments") {
    CHECK(label_prefix_problem("traefik").empty());
    CHECK(label_prefix_problem("com.example-1.mail_proxy").empty());
    CHECK_FALSE(label_prefix_problem("").empty());
    CHECK_FALSE(label_prefix_problem("switchyard.").empty());
    CHECK_FALSE(label_prefix_problem("a..b").empty());
    CHECK_FALSE(label_prefix_problem("sw itch").empty());
}

TEST_CASE("labels: <prefix>.swarm.* and the deprecated <prefix>.docker.* Swarm keys") {
    auto l = decode_labels({{"traefik.swarm.network", "mail_proxy"},
                            {"traefik.swarm.LBSwarm", "true"},
                            {"traefik.docker.lbswarm", "false"},
                            {"traefik.tcp.routers.r.rule", "HostSNI(`*`)"}});
    CHECK(l.swarm_network == "mail_proxy");
    CHECK(l.swarm_lbswarm);  // keys are case-insensitive, as paerser's
    CHECK_FALSE(l.docker_lbswarm);
    CHECK(l.swarm_keys.size() == 2);
    CHECK(l.docker_keys == std::vector<std::string>{"traefik.docker.lbswarm"});
    CHECK(l.findings.empty());

    auto bad = decode_labels({{"traefik.swarm.lbswarm", "yes"}});
    REQUIRE(bad.findings.size() == 1);
    CHECK(bad.findings[0].is_error);
    CHECK(bad.findings[0].message == "traefik.swarm.lbswarm: invalid value \"yes\": not a boolean (true or false)");

    auto own = decode_labels({{"switchyard.swarm.network", "n"}, {"traefik.swarm.network", "t"}}, "switchyard");
    CHECK(own.swarm_network == "n");
}
