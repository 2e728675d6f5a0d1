#include "sy_catch.hpp"
#include "telemetry/history.hpp"

using namespace sy::telemetry;

TEST_CASE("traffic history: one point per sample and element, at most ten minutes, late elements aligned to the end") {
    registry reg;
    auto t = std::chrono::system_clock::time_point{};
    reg.router("smtp@file")->shard(0).bytes_in = 100;
    reg.router("smtp@file")->shard(0).open = 2;
    traffic_history h;
    h.sample(reg, t);
    reg.router("smtp@file")->shard(0).bytes_in = 600;
    reg.server("mail@file", "127.0.0.1:25")->traffic.shard(0).bytes_out = 9;
    h.sample(reg, t + traffic_history::interval);
    REQUIRE(h.times().size() == 2);
    const auto& r = h.routers().at("smtp@file").points;
    REQUIRE(r.size() == 2);
    CHECK(r[0].bytes_in == 100);
    CHECK(r[1].bytes_in == 600);
    CHECK(r[1].open == 2);
    CHECK(h.servers().at(std::string("mail@file\x1f") + "127.0.0.1:25").points.size() == 1);
    for (std::size_t i = 0; i < traffic_history::points + 5; ++i) h.sample(reg, t);
    CHECK(h.times().size() == traffic_history::points);
    CHECK(h.routers().at("smtp@file").points.size() == traffic_history::points);
}

TEST_CASE("recent refusals: newest first, at most 50") {
    recent_refusals seen;
    for (int i = 0; i < 60; ++i) seen.add({{}, "smtp", "127.0.0.1:" + std::to_string(i), "", "no_route"});
    auto list = seen.list();
    REQUIRE(list.size() == recent_refusals::capacity);
    CHECK(list.front().client == "127.0.0.1:59");
    CHECK(list.back().client == "127.0.0.1:10");
}
