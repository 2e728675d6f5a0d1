#include "build_fixture.hpp"
#include "sy_catch.hpp"

using namespace sy;

namespace {
std::vector<std::string> names(const std::vector<runtime::route>& routes) {
    std::vector<std::string> out;
    for (const auto& r : routes) out.push_back(r.router);
    return out;
}
}  // namespace

TEST_CASE("tables: routes by priority, then docker before file, then name; catch-all last") {
    test::world w;
    w.service("s@file");
    w.router("catchall@file", "HostSNI(`*`)", "s@file");
    w.router("long@file", "ClientIP(`10.0.0.0/8`) || ClientIP(`192.168.0.0/16`)", "s@file");
    w.router("b@file", "ClientIP(`10.0.0.1`)", "s@file");
    w.router("a@file", "ClientIP(`10.0.0.2`)", "s@file");
    w.router("z@docker", "ClientIP(`10.0.0.3`)", "s@file");
    w.router("high@file", "HostSNI(`*`)", "s@file").priority = 1000;
    auto s = w.build();
    CHECK(names(s->entry_points.at("smtp").tcp_routes) ==
          std::vector<std::string>{"high@file", "long@file", "z@docker", "a@file", "b@file", "catchall@file"});
}

TEST_CASE("tables: TLS and plain routes are kept apart; the flags tell the forwarder how to classify") {
    test::world w;
    w.service("s@file");
    w.router("plain@file", "HostSNI(`*`)", "s@file", {"smtp", "web"});
    w.passthrough(w.router("tls@file", "HostSNI(`mail.example.com`)", "s@file", {"imaps", "web"}));
    auto s = w.build();
    const auto& smtp = s->entry_points.at("smtp");
    CHECK(smtp.decides_without_bytes);
    CHECK_FALSE(smtp.mixed);
    const auto& imaps = s->entry_points.at("imaps");
    CHECK_FALSE(imaps.decides_without_bytes);
    CHECK_FALSE(imaps.mixed);
    CHECK(imaps.tls_routes.size() == 1);
    CHECK(imaps.tls_routes[0].tls);
    const auto& web = s->entry_points.at("web");
    CHECK_FALSE(web.decides_without_bytes);
    CHECK(web.mixed);
    CHECK(web.tls_routes.size() == 1);
    CHECK(web.tcp_routes.size() == 1);
}

TEST_CASE("tables: every routing entrypoint has a table, even without routes; the API's has none") {
    test::world w;
    w.statics.ping.enabled = true;
    w.statics.ping.entry_point = "web";
    auto s = w.build();
    CHECK(s->entry_points.size() == 2);
    CHECK(s->entry_points.count("smtp") == 1);
    CHECK(s->entry_points.count("imaps") == 1);
    CHECK_FALSE(s->entry_points.at("smtp").decides_without_bytes);
}

TEST_CASE("tables: the snapshot shares one compiled rule between a router's entrypoints") {
    test::world w;
    w.service("s@file");
    w.router("r@file", "HostSNI(`*`)", "s@file", {"smtp", "imaps"});
    auto s = w.build();
    CHECK(s->entry_points.at("smtp").tcp_routes.at(0).rule == s->entry_points.at("imaps").tcp_routes.at(0).rule);
    CHECK(s->entry_points.at("smtp").tcp_routes.at(0).service == s->entry_points.at("imaps").tcp_routes.at(0).service);
}
