// compile(): matchers of both syntaxes beyond Traefik's tables, the examples of Traefik's documentation,
// flags the runtime builder reads, explain, and errors.
#include "rule_test_support.hpp"
#include "sy_catch.hpp"

using namespace sy::rules;
using namespace sy::rules::test;

TEST_CASE("examples from Traefik's TCP rules documentation", "[rules][docs]") {
    // reference/routing-configuration/tcp/routing/rules-and-priority.md
    const char* complex = "HostSNI(`example.com`) || (HostSNI(`example.org`) && !ALPN(`h2`))";
    CHECK(matches(complex, sni("example.com")));
    CHECK(matches(complex, sni("example.org")));
    conn org_h2 = sni("example.org");
    org_h2.alpn = {"h2"};
    CHECK_FALSE(matches(complex, org_h2));
    CHECK_FALSE(matches(complex, sni("example.net")));

    CHECK(matches("HostSNI(`*`)", sni("anything.example")));
    CHECK(matches("HostSNIRegexp(`^.*$`)", sni("anything.example")));
    CHECK(matches("HostSNI(`example.com`)", sni("example.com")));
    CHECK(matches("HostSNI(`*.example.com`)", sni("foo.example.com")));
    CHECK_FALSE(matches("HostSNI(`*.example.com`)", sni("foo.bar.example.com")));
    CHECK_FALSE(matches("HostSNI(`*.example.com`)", sni("example.com")));
    CHECK(matches("HostSNIRegexp(`^.+\\.example\\.com$`)", sni("foo.bar.example.com")));
    CHECK_FALSE(matches("HostSNIRegexp(`^.+\\.example\\.com$`)", sni("example.com")));
    CHECK(matches("ClientIP(`10.76.105.11`)", from_ip("10.76.105.11")));
    CHECK(matches("ClientIP(`::1`)", from_ip("::1")));
    CHECK(matches("ClientIP(`192.168.1.0/24`)", from_ip("192.168.1.77")));
    CHECK_FALSE(matches("ClientIP(`192.168.1.0/24`)", from_ip("192.168.2.1")));
    CHECK(matches("ClientIP(`fe80::/10`)", from_ip("fe80::1234")));
    CHECK_FALSE(matches("ClientIP(`fe80::/10`)", from_ip("2001:db8::1")));
    CHECK(matches("ALPN(`h2`)", with_alpn({"http/1.1", "h2"})));
    CHECK(refused("ALPN(`acme-tls/1`)"));
    // "Backticks or Quotes?": escaped double quotes work, single quotes do not.
    CHECK(matches("HostSNI(\"example.com\")", sni("example.com")));
    CHECK(refused("HostSNI('example.com')"));
    // Priority example: ClientIP(`192.168.0.12`) is longer than... no: both explicit; default is the length.
    CHECK(default_priority("ClientIP(`192.168.0.12`)") == 24);
    CHECK(default_priority("ClientIP(`192.168.0.0/24`)") == 26);
}

TEST_CASE("v2 syntax examples from Traefik's v2 documentation and migration guide", "[rules][docs]") {
    const auto v2 = syntax::v2;
    CHECK(matches("HostSNI(`example.com`, `example.org`)", sni("example.org"), v2));
    CHECK(matches("HostSNIRegexp(`example.{tld:(com|org)}`)", sni("example.org"), v2));
    CHECK_FALSE(matches("HostSNIRegexp(`example.{tld:(com|org)}`)", sni("example.net"), v2));
    CHECK(matches("HostSNIRegexp(`{subdomain:[a-z]+}.example.com`)", sni("mail.example.com"), v2));
    CHECK_FALSE(matches("HostSNIRegexp(`{subdomain:[a-z]+}.example.com`)", sni("a.b.example.com"), v2));
    CHECK(matches("HostSNIRegexp(`{sub}.example.com`)", sni("imap.example.com"), v2));
    CHECK(matches("ClientIP(`10.0.0.0/8`, `192.168.0.0/16`)", from_ip("192.168.3.4"), v2));
    CHECK(matches("ALPN(`h2`, `http/1.1`)", with_alpn({"http/1.1"}), v2));
    CHECK(matches("hostsni(`EXAMPLE.com`) && alpn(`h2`)", conn{"example.com", "0.0.0.0", {"h2"}, true}, v2));
    // The same rules in v3: one argument, so several are refused with a hint.
    CHECK(error_of("HostSNI(`example.com`, `example.org`)") ==
          "rule: HostSNI takes 1 argument in the v3 rule syntax, got 2 (write HostSNI(`a`) || HostSNI(`b`), or set "
          "ruleSyntax to v2) at 23");
    // v2 has no wildcard hosts; v3 does.
    CHECK(refused("HostSNI(`*.example.com`)", v2));
    CHECK_FALSE(refused("HostSNI(`*.example.com`)"));
}

TEST_CASE("HostSNI details: case, trailing dot, wildcards, IP literals", "[rules][hostsni]") {
    // v3.7 compares case-insensitively (Traefik's EqualFold); v2 lower-cases the rule's hosts.
    CHECK(matches("HostSNI(`Example.COM`)", sni("example.com")));
    CHECK(matches("HostSNI(`Example.COM`)", sni("example.com"), syntax::v2));
    CHECK(matches("HostSNI(`*.Example.com`)", sni("mail.example.com")));
    CHECK_FALSE(matches("HostSNI(`example.com`)", sni("example.com.")));  // the SNI keeps its dot (RFC 6066: none)
    CHECK_FALSE(matches("HostSNI(`example.com`)", sni("")));
    CHECK_FALSE(matches("HostSNI(`*.example.com`)", sni("")));
    CHECK(refused("HostSNI(`*`, `example.com`)"));
    CHECK(refused("HostSNI(`foo*.example.com`)"));
    CHECK(refused("HostSNI(`exa mple.com`)"));
    CHECK(refused("HostSNI(`*example.com`)"));
    CHECK(refused("HostSNI(`[::1]`)"));  // brackets are not host characters
    CHECK(error_of("HostSNI(`🦭.com`)") ==
          "rule: invalid host name \"🦭.com\" in HostSNI (non-ASCII names must be written in punycode: xn--...) at 8");
    CHECK(!matches("!HostSNI(`*`)", sni("example.com")));
    CHECK(matches("!HostSNI(`example.com`)", sni("")));  // no SNI: a negated host matches
}

TEST_CASE("HostSNIRegexp: RE2, unanchored and case-sensitive in v3, anchored and case-insensitive in v2",
          "[rules][regexp]") {
    CHECK(matches("HostSNIRegexp(`example\\.com`)", sni("www.example.com.evil.org")));  // Traefik's quirk
    CHECK(matches("HostSNIRegexp(`.*`)", conn{"", "0.0.0.0", {}, false}));             // matches plain TCP too
    CHECK_FALSE(matches("HostSNIRegexp(`.+`)", conn{"", "0.0.0.0", {}, false}));
    CHECK(matches("HostSNIRegexp(`(?i)^EXAMPLE\\.com$`)", sni("example.com")));
    CHECK(matches("HostSNIRegexp(`^[[:word:]]+\\.example\\.com$`)", sni("mail_1.example.com")));
    CHECK_FALSE(matches("HostSNIRegexp(`example\\.com`)", sni("www.example.com.evil.org"), syntax::v2));
    // RE2 refuses what it cannot run in linear time, as Go does: no backreferences, no lookaround.
    CHECK(error_of("HostSNIRegexp(`(a)\\1`)").starts_with("rule: invalid regexp in HostSNIRegexp: "));
    CHECK(refused("HostSNIRegexp(`(?=a)`)"));
    CHECK(refused("HostSNIRegexp(`a{1001}`)"));
    // A hostile pattern runs in linear time.
    auto evil = must_compile("HostSNIRegexp(`^(a+)+$`)");
    conn c = sni(std::string(50000, 'a') + "!");
    CHECK_FALSE(evil->matches(c.facts()));
    CHECK(error_of("HostSNIRegexp(`{a`)", syntax::v2) ==
          "rule: invalid HostSNIRegexp template \"{a\": unbalanced braces at 14");
}

TEST_CASE("ClientIP: IPv4, IPv6, CIDR, IPv4-mapped addresses", "[rules][clientip]") {
    CHECK(matches("ClientIP(`10.0.0.0/8`)", from_ip("10.200.1.1")));
    CHECK(matches("ClientIP(`10.1.2.3/8`)", from_ip("10.200.1.1")));  // host bits allowed, as Go's ParseCIDR
    CHECK(matches("ClientIP(`2001:db8::/32`)", from_ip("2001:db8:1::5")));
    CHECK_FALSE(matches("ClientIP(`2001:db8::/32`)", from_ip("2001:db9::5")));
    CHECK(matches("ClientIP(`127.0.0.1`)", from_ip("::ffff:127.0.0.1")));
    CHECK(matches("ClientIP(`::ffff:127.0.0.1`)", from_ip("127.0.0.1")));
    CHECK_FALSE(matches("ClientIP(`10.0.0.0/8`)", from_ip("::1")));
    CHECK(matches("ClientIP(`0.0.0.0/0`)", from_ip("203.0.113.9")));
    CHECK(error_of("ClientIP(`10.0.0.0/33`)") == "rule: invalid ClientIP: \"10.0.0.0/33\" is not an IP address or CIDR at 9");
    CHECK(refused("ClientIP(`[::1]`)"));
    CHECK(refused("ClientIP(`fe80::1%eth0`)"));
    CHECK(refused("ClientIP(`example.com`)"));
    CHECK(refused("ClientIP(`10.1`)"));
}

TEST_CASE("ALPN: exact, case-sensitive membership", "[rules][alpn]") {
    CHECK_FALSE(matches("ALPN(`H2`)", with_alpn({"h2"})));
    CHECK_FALSE(matches("ALPN(`h2`)", with_alpn({})));
    CHECK(matches("ALPN(`imap`) || ALPN(`pop3`)", with_alpn({"pop3"})));
    CHECK(error_of("ALPN(`h2`, `acme-tls/1`)", syntax::v2) ==
          "rule: ALPN(`acme-tls/1`) is not allowed (reserved for ACME TLS-ALPN challenges) at 11");
    CHECK_FALSE(refused("ALPN(`ACME-TLS/1`)"));  // Traefik compares exactly
}

TEST_CASE("unknown matchers are named with their position and a hint", "[rules][errors]") {
    CHECK(error_of("HostSni2(`a`)") == "rule: unknown matcher \"HostSni2\" at 0 (did you mean \"HostSNI\"?)");
    CHECK(error_of("ClientIP(`10.0.0.1`) && hostSNI(`a`)") ==
          "rule: unknown matcher \"hostSNI\" at 24 (Traefik accepts exactly HostSNI, hostsni, HOSTSNI or Hostsni)");
    CHECK(error_of("Host(`example.com`)") ==
          "rule: unknown matcher \"Host\" at 0 (Host is an HTTP matcher; TCP rules use HostSNI, HostSNIRegexp, "
          "ClientIP and ALPN)");
    CHECK(error_of("Frobnicate(`x`)") == "rule: unknown matcher \"Frobnicate\" at 0");
    CHECK(error_of("HostSNI(`a.com`) && ClientIP(`10.0.0.1`))") == "rule: unexpected ')' at 40");
    CHECK(error_of("HostSNI()") == "rule: HostSNI has no argument (write HostSNI(`...`)) at 0");
    CHECK(error_of("HostSNI(``)") == "rule: empty argument to HostSNI at 8");
    CHECK(error_of("HostSNI(`a`, ``)", syntax::v2) == "rule: empty argument to HostSNI at 13");
}

TEST_CASE("flags the runtime builder reads", "[rules][flags]") {
    auto r = must_compile("HostSNI(`a.example`) && ALPN(`imap`) || ClientIP(`10.0.0.0/8`)");
    CHECK(r->uses_sni_hosts);
    CHECK(r->uses_alpn);
    CHECK(r->uses_client_ip);
    CHECK_FALSE(r->is_catch_all);
    CHECK(must_compile("HostSNIRegexp(`.*`)")->uses_sni_hosts);
    auto catch_all = must_compile(" ( HostSNI ( \"*\" ) ) ");
    CHECK(catch_all->is_catch_all);
    CHECK_FALSE(catch_all->uses_sni_hosts);
    CHECK_FALSE(catch_all->uses_alpn);
    CHECK_FALSE(must_compile("HostSNI(`*`) && ClientIP(`10.0.0.1`)")->is_catch_all);
    CHECK(default_priority("HostSNI(`*`) && ClientIP(`10.0.0.1`)") == 36);
    CHECK(default_priority("hostsni(`*`)") == -1);
    CHECK(default_priority("HostSNI(`*`,)") == -1);
    CHECK(default_priority("HostSNI(`*`, `*`)") == 17);
    CHECK(default_priority("not a rule") == 10);
    CHECK(default_priority("HostSNI(`é.example`)") == 21);  // bytes, not characters
    CHECK(r->canonical == "HostSNI(`a.example`) && ALPN(`imap`) || ClientIP(`10.0.0.0/8`)");
    CHECK(non_tls_host_sni_error().find("HostSNI(`*`)") != std::string::npos);
    CHECK(non_tls_host_sni_error().find("no TLS") != std::string::npos);
}

TEST_CASE("syntax names", "[rules][syntax]") {
    CHECK(syntax_from_string("v2") == syntax::v2);
    CHECK(syntax_from_string("v3") == syntax::v3);
    CHECK(syntax_from_string("V2") == syntax::v3);  // Traefik compares exactly
    CHECK(syntax_from_string("", syntax::v2) == syntax::v2);
    CHECK(syntax_from_string("") == syntax::v3);
}

TEST_CASE("explain: one line per matcher evaluated, the last one decided", "[rules][explain]") {
    auto r = must_compile("HostSNI(`a.example`) || !ClientIP(`10.0.0.0/8`) && ALPN(`h2`)");
    conn c = sni("b.example");
    c.ip = "10.1.1.1";
    const auto lines = r->explain(c.facts());
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "HostSNI(`a.example`) at 0: false (SNI \"b.example\")");
    CHECK(lines[1] == "ClientIP(`10.0.0.0/8`) at 25: true (client IP 10.1.1.1), negated: false");
    CHECK_FALSE(r->matches(c.facts()));

    conn plain{"", "127.0.0.1", {}, false};
    const auto p = must_compile("HostSNI(`*`) && ALPN(`h2`)")->explain(plain.facts());
    REQUIRE(p.size() == 2);
    CHECK(p[0] == "HostSNI(`*`) at 0: true (plain TCP, no SNI)");
    CHECK(p[1] == "ALPN(`h2`) at 16: false (no ALPN offered)");
}

TEST_CASE("a compiled rule is shared by threads: matching is const and allocation-free of state", "[rules]") {
    auto r = must_compile("HostSNIRegexp(`^mail\\.`) || HostSNI(`*.example.org`)");
    conn a = sni("mail.example.com"), b = sni("x.example.org"), c = sni("x.example.net");
    for (int i = 0; i < 1000; ++i) {
        REQUIRE(r->matches(a.facts()));
        REQUIRE(r->matches(b.facts()));
        REQUIRE_FALSE(r->matches(c.facts()));
    }
}
