#include "decoder/node.hpp"
#include "sy_catch.hpp"

using namespace sy::decoder;

TEST_CASE("split_key splits dots and slice indexes") {
    auto s = split_key("traefik.tcp.routers.r.tls.domains[0].main");
    REQUIRE(s);
    CHECK(*s == std::vector<std::string>{"traefik", "tcp", "routers", "r", "tls", "domains", "[0]", "main"});
    CHECK_FALSE(split_key("a..b"));
    CHECK_FALSE(split_key("a."));
    CHECK_FALSE(split_key(".a"));
    CHECK(*split_key("a[x]") == std::vector<std::string>{"a[x]"});
}

TEST_CASE("children merge case-insensitively and keep the spelling that sorts first") {
    node root;
    // A std::string, not a literal: assigning a literal trips g++ 12's false -Wrestrict at -O3 (GCC bug 105329).
    root.at(*split_key("routers.mail.service")).value = std::string("s");
    root.at(*split_key("routers.Mail.rule")).value = std::string("r");
    REQUIRE(root.children.size() == 1);
    const node& routers = root.children[0];
    REQUIRE(routers.children.size() == 1);
    CHECK(routers.children[0].name == "Mail");  // 'M' < 'm'
    CHECK(routers.children[0].children.size() == 2);
    CHECK(routers.find("MAIL") != nullptr);
}

TEST_CASE("render_key spells keys as each source does") {
    std::vector<std::string> p{"entryPoints", "smtp", "address"};
    CHECK(render_key(key_style::flag, "--", p) == "--entryPoints.smtp.address");
    CHECK(render_key(key_style::env, "TRAEFIK_", p) == "TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS");
    std::vector<std::string> q{"tcp", "routers", "r", "tls", "domains", "[0]", "main"};
    CHECK(render_key(key_style::label, "traefik.", q) == "traefik.tcp.routers.r.tls.domains[0].main");
    CHECK(render_key(key_style::env, "TRAEFIK_", q) == "TRAEFIK_TCP_ROUTERS_R_TLS_DOMAINS_0_MAIN");
}
