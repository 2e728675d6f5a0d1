#include "runtime/docker_gateways.hpp"
#include "sy_catch.hpp"

using namespace sy;

TEST_CASE("docker gateways: parsed, unmapped, looked up; garbage is dropped") {
    auto g = runtime::make_docker_gateways(
        {{"172.18.0.1", "mail_default"}, {"fd00:dead::1", "mail_v6"}, {"not an address", "x"}, {"::ffff:10.9.0.1", "m"}});
    REQUIRE(g.size() == 3);
    CHECK(runtime::gateway_of(g, *parse_ip("172.18.0.2")) == nullptr);
    const auto* hit = runtime::gateway_of(g, *parse_ip("::ffff:172.18.0.1"));
    REQUIRE(hit);
    CHECK(hit->network == "mail_default");
    CHECK(runtime::gateway_of(g, *parse_ip("10.9.0.1"))->network == "m");
    CHECK(runtime::gateway_of(g, *parse_ip("fd00:dead::1"))->network == "mail_v6");
    CHECK(runtime::gateway_of({}, *parse_ip("172.18.0.1")) == nullptr);
    const std::string text = runtime::gateway_warning(*hit, "smtp");
    CHECK(text.find("entryPoint \"smtp\": client address 172.18.0.1 is the gateway of Docker network "
                    "\"mail_default\"") == 0);
    CHECK(text.find("\"userland-proxy\": false") != std::string::npos);
}
