// Traefik's own rule-engine tests (v3.7.9 pkg/muxer/tcp/*_test.go), ported; the reference for every matcher.
#include <map>

#include "rule_test_support.hpp"
#include "sy_catch.hpp"
#include "traefik_route_cases.hpp"

using namespace sy::rules;
using namespace sy::rules::test;

namespace {

void run_route_case(const route_case& tc, syntax s) {
    INFO(tc.desc << ": " << tc.rule);
    auto compiled = compile(tc.rule, s);
    if (tc.route_err) {
        CHECK_FALSE(compiled);
        return;
    }
    REQUIRE(compiled);
    conn c = sni(std::string(tc.server_name));
    if (!tc.remote_addr.empty()) {
        auto hp = sy::parse_host_port(tc.remote_addr);
        REQUIRE(hp);
        // Traefik's "Invalid remoteAddr" row (not.an.IP): its checker fails and the matcher is false. A real
        // connection always has an IP; the unspecified address stands in for the unusable one.
        c.ip = sy::parse_ip(hp->host) ? hp->host : "0.0.0.0";
    }
    for (auto p : tc.protos) c.alpn.emplace_back(p);
    CHECK((*compiled)->matches(c.facts()) == !tc.match_err);
}

}  // namespace

TEST_CASE("Traefik Test_addTCPRoute (v3 syntax)", "[rules][traefik]") {
    for (const auto& tc : traefik_v3_route_cases) run_route_case(tc, syntax::v3);
}

TEST_CASE("Traefik Test_addTCPRouteV2 (v2 syntax)", "[rules][traefik]") {
    for (const auto& tc : traefik_v2_route_cases) run_route_case(tc, syntax::v2);
}

TEST_CASE("Traefik Test_HostSNICatchAll / V2", "[rules][traefik]") {
    for (syntax s : {syntax::v3, syntax::v2}) {
        CHECK_FALSE(must_compile("HostSNI(`example.com`)", s)->is_catch_all);
        CHECK(must_compile("HostSNI(`*`)", s)->is_catch_all);
        CHECK(must_compile("HOSTSNI(`*`)", s)->is_catch_all);
        CHECK(must_compile("HostSNI(\"*\")", s)->is_catch_all);
    }
    CHECK_FALSE(must_compile("HostSNIRegexp(`.*`)")->is_catch_all);
    CHECK(matches("HostSNIRegexp(`.*`)", sni("example.com")));
}

TEST_CASE("Traefik Test_HostSNI (v3)", "[rules][traefik]") {
    CHECK(refused(""));
    CHECK(refused("HostSNI(``)"));
    CHECK(refused("HostSNI(`example.com`, `example.org`)"));
    CHECK(refused("HostSNI(`🦭.com`)"));
    CHECK(matches("HostSNI(`xn--9t9h.com`)", sni("xn--9t9h.com")));
    CHECK_FALSE(matches("HostSNI(`xn--9t9h.com`)", sni("🦭.com")));
    CHECK(matches("HostSNI(`example.com`)", sni("example.com")));
    CHECK_FALSE(matches("HostSNI(`example.com`)", sni("example.org")));
    CHECK(matches("HostSNI(`*`)", sni("example.com")));
    CHECK(matches("HostSNI(`*`)", sni("")));
    CHECK(matches("HostSNI(`example.com.`)", sni("example.com")));
    CHECK(matches("HostSNI(`foo.example.com`)", sni("foo.example.com")));
    CHECK(matches("HostSNI(`foo_bar.example.com`)", sni("foo_bar.example.com")));
    CHECK(matches("HostSNI(`*.example.com`)", sni("foo.example.com")));
    CHECK(refused("HostSNI(`*.*.example.com`)"));
}

TEST_CASE("Traefik Test_HostSNIRegexp (v3)", "[rules][traefik]") {
    CHECK(refused("HostSNIRegexp(``)"));
    CHECK(refused("HostSNIRegexp(`🦭.com`)"));
    CHECK(refused("HostSNIRegexp(`(example.com`)"));
    CHECK(refused("HostSNIRegexp(`example.com`, `example.org`)"));
    const std::map<std::string, bool> anchored = {{"example.com", true}, {"example.com.", false},
                                                  {"EXAMPLE.com", false}, {"example.org", true},
                                                  {"exampleuorg", false}, {"", false}};
    auto re = must_compile("HostSNIRegexp(`^example\\.(com|org)$`)");
    for (const auto& [name, want] : anchored) {
        INFO(name);
        // Raw facts: the SNI as given (Traefik's test bypasses NewConnData's lower-casing).
        conn c{name, "0.0.0.0", {}, true};
        CHECK(re->matches(c.facts()) == want);
    }
    // v2 templates mean nothing in v3: `{tld:(com|org)}` is a (failed) repetition, nothing matches.
    auto v2_style = must_compile("HostSNIRegexp(`example.{tld:(com|org)}`)");
    for (const auto& [name, want] : anchored) {
        conn c{name, "0.0.0.0", {}, true};
        CHECK_FALSE(v2_style->matches(c.facts()));
    }
}

TEST_CASE("Traefik Test_ClientIP (v3)", "[rules][traefik]") {
    CHECK(refused("ClientIP(``)"));
    CHECK(refused("ClientIP(`🦭/32`)"));
    CHECK(refused("ClientIP(`127.0.0.1`, `127.0.0.2`)"));
    CHECK(matches("ClientIP(`20.20.20.20`)", from_ip("20.20.20.20")));
    CHECK_FALSE(matches("ClientIP(`20.20.20.20`)", from_ip("10.10.10.10")));
    CHECK(matches("ClientIP(`20.20.20.20/24`)", from_ip("20.20.20.20")));
    CHECK(matches("ClientIP(`20.20.20.20/24`)", from_ip("20.20.20.40")));
    CHECK_FALSE(matches("ClientIP(`20.20.20.20/24`)", from_ip("10.10.10.10")));
}

TEST_CASE("Traefik Test_ALPN (v3)", "[rules][traefik]") {
    CHECK(refused("ALPN(`acme-tls/1`)"));
    CHECK(refused("ALPN(``)"));
    CHECK(refused("ALPN(`h2`, `mqtt`)"));
    CHECK(matches("ALPN(`h2`)", with_alpn({"h2"})));
    CHECK_FALSE(matches("ALPN(`h2`)", with_alpn({"mqtt"})));
    CHECK_FALSE(matches("ALPN(`h2`)", with_alpn({""})));
}

TEST_CASE("Traefik Test_HostSNIV2", "[rules][traefik]") {
    const auto v2 = syntax::v2;
    CHECK(refused("HostSNI()", v2));
    CHECK(refused("HostSNI(`héhé`)", v2));
    CHECK_FALSE(matches("HostSNI(`foobar`)", sni("bar"), v2));
    CHECK(matches("HostSNI(`*`)", sni("foobar"), v2));
    CHECK(matches("HostSNI(`*`)", sni(""), v2));
    CHECK(matches("HostSNI(`foo`, `*`)", sni("bar"), v2));
    CHECK_FALSE(matches("HostSNI(`foo`, `*`)", sni(""), v2));
    CHECK(refused("HostSNI(`*.bar`)", v2));
    CHECK(matches("HostSNI(`foobar.`)", sni("foobar."), v2));
    CHECK(matches("HostSNI(`foobar.`)", sni("foobar"), v2));
    CHECK(matches("HostSNI(`foobar`, `foo-bar.baz`)", sni("foobar"), v2));
    CHECK(matches("HostSNI(`foo.bar`)", sni("foo.bar"), v2));
    CHECK(matches("HostSNI(`foo_bar.example.com`)", sni("foo_bar.example.com"), v2));
    CHECK(matches("HostSNI(`127.0.0.1`)", sni("127.0.0.1"), v2));
    CHECK(matches("HostSNI(`10::10`)", sni("10::10"), v2));
}

TEST_CASE("Traefik Test_HostSNIRegexpV2", "[rules][traefik]") {
    const auto v2 = syntax::v2;
    auto rule = [](std::string pattern) { return "HostSNIRegexp(`" + pattern + "`)"; };
    CHECK(refused(rule("subdomain:(foo\\.)?bar\\.com}"), v2));
    CHECK(refused(rule("{:(foo\\.)?bar\\.com}"), v2));
    CHECK(refused(rule("{subdomain:}"), v2));
    CHECK(refused(rule("{subdomain:(foo\\.?bar\\.com}"), v2));
    struct row {
        std::string pattern;
        std::map<std::string, bool> names;
    };
    const std::map<std::string, bool> sub = {{"foo.bar.com", true}, {"bar.com", true}, {"fooubar.com", false},
                                             {"barucom", false}, {"barcom", false}};
    const std::map<std::string, bool> insensitive = {{"FOO.bar.com", true}, {"foo.bar.com", true},
                                                     {"fooubar.com", false}, {"barucom", false}, {"barcom", false}};
    const row rows[] = {
        {"bar.com", {{"bar.com", true}, {"barucom", false}}},
        {"{subdomain:(foo\\.)?bar\\.com}", sub},
        {"{subdomain:(?:foo\\.)?bar\\.com}", sub},
        {"{dummy:[A-Za-z-]+\\.bar\\.com}", insensitive},
        {"{dummy:[a-z-]+\\.bar\\.com}", insensitive},
        {"foo.bar.com", insensitive},
    };
    for (const auto& r : rows) {
        auto compiled = must_compile(rule(r.pattern), v2);
        for (const auto& [name, want] : r.names) {
            INFO(r.pattern << " against " << name);
            conn c{name, "0.0.0.0", {}, true};
            CHECK(compiled->matches(c.facts()) == want);
        }
    }
}

TEST_CASE("Traefik Test_ClientIPV2", "[rules][traefik]") {
    const auto v2 = syntax::v2;
    CHECK(refused("ClientIP()", v2));
    CHECK(refused("ClientIP(`héhé`)", v2));
    CHECK_FALSE(matches("ClientIP(`20.20.20.20`)", from_ip("10.10.10.10"), v2));
    CHECK(matches("ClientIP(`10.10.10.10`)", from_ip("10.10.10.10"), v2));
    CHECK_FALSE(matches("ClientIP(`20.20.20.20`, `30.30.30.30`)", from_ip("10.10.10.10"), v2));
    CHECK(matches("ClientIP(`10.10.10.10`, `20.20.20.20`, `30.30.30.30`)", from_ip("20.20.20.20"), v2));
    CHECK_FALSE(matches("ClientIP(`20.0.0.0/24`)", from_ip("10.10.10.10"), v2));
    CHECK(matches("ClientIP(`20.0.0.0/8`)", from_ip("20.10.10.10"), v2));
    CHECK_FALSE(matches("ClientIP(`10.0.0.0/24`, `20.0.0.0/24`)", from_ip("10.10.10.10"), v2));
    CHECK(matches("ClientIP(`10.0.0.0/8`, `20.0.0.0/8`)", from_ip("20.10.10.10"), v2));
}

TEST_CASE("Traefik Test_ALPNV2", "[rules][traefik]") {
    const auto v2 = syntax::v2;
    CHECK(refused("ALPN()", v2));
    CHECK(refused("ALPN(`acme-tls/1`)", v2));
    CHECK_FALSE(matches("ALPN(`h2`)", with_alpn({""}), v2));
    CHECK_FALSE(matches("ALPN(`h2`)", with_alpn({"mqtt"}), v2));
    CHECK(matches("ALPN(`h2`)", with_alpn({"h2"}), v2));
    CHECK_FALSE(matches("ALPN(`h2`, `mqtt`)", with_alpn({"h2c"}), v2));
    CHECK(matches("ALPN(`h2`, `h2c`, `mqtt`)", with_alpn({"h2c"}), v2));
}

TEST_CASE("Traefik TestParseHostSNI / V2: which rules name a host", "[rules][traefik]") {
    // Traefik extracts HostSNI values to refuse hosts on routers without TLS; uses_sni_hosts carries that.
    CHECK(refused("Unknown(`example.com`)"));
    CHECK(must_compile("HostSNI(`example.com`)")->uses_sni_hosts);
    CHECK(must_compile("HOSTSNI(`example.com`)")->uses_sni_hosts);
    CHECK(must_compile("hostsni(`example.com`)")->uses_sni_hosts);
    CHECK(must_compile("HostSNI(`127.0.0.1`)")->uses_sni_hosts);
    CHECK(must_compile("HostSNI(`10::10`)")->uses_sni_hosts);
    CHECK_FALSE(must_compile("ClientIP(`10.0.0.1`)")->uses_sni_hosts);
    CHECK(must_compile("HostSNI(`example.com`) && ClientIP(`10.0.0.1`)")->uses_sni_hosts);
    CHECK(must_compile("HostSNI(`foo.bar`,`test.bar`)", syntax::v2)->uses_sni_hosts);
    CHECK(must_compile("HostSNI(`Foo.Bar`) && ClientIP(`10.0.0.1`)", syntax::v2)->uses_sni_hosts);
    CHECK_FALSE(must_compile("HostSNI(`*`)")->uses_sni_hosts);
    CHECK_FALSE(must_compile("HostSNI(`*`) && ClientIP(`10.0.0.1`)")->uses_sni_hosts);
    // Traefik's "HostSNI() && ClientIP(`10.1`)" extracts nothing; here the empty matcher is an error at once.
    CHECK(refused("HostSNI() && ClientIP(`10.0.0.1`)"));
}

TEST_CASE("Traefik TestGetRulePriority", "[rules][traefik]") {
    CHECK(default_priority("HostSNI(`example.org`)") == 22);
    CHECK(default_priority("HostSNI(`*`)") == -1);
    CHECK(default_priority("   HostSNI ( `*` )       ") == -1);
}

TEST_CASE("Traefik Test_Priority: the order of routes", "[rules][traefik]") {
    // Same priority: Traefik keeps the providers' precedence (docker before file); Switchyard then orders by name.
    auto p = [](std::string_view rule) { return default_priority(rule); };
    CHECK(ranks_before({p("HostSNI(`example.com`)"), "a@docker"}, {p("HostSNI(`example.org`)"), "b@docker"}));
    CHECK(ranks_before({10000, "a@docker"}, {p("HostSNI(`example.org`)"), "b@docker"}));
    CHECK(ranks_before({22, "x@docker"}, {22, "x@file"}));
    CHECK(ranks_before({22, "x@file"}, {22, "x@foo"}));
    CHECK(ranks_before({20, "x@file"}, {10, "x@docker"}));
    CHECK_FALSE(ranks_before({22, "b@docker"}, {22, "a@docker"}));
    CHECK_FALSE(ranks_before({22, "a@docker"}, {22, "a@docker"}));
}
