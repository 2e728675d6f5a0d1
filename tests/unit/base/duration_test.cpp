#include "sy_catch.hpp"

#include "base/duration.hpp"

using namespace std::chrono_literals;

TEST_CASE("durations in Traefik's forms") {
    CHECK(sy::parse_duration("10").value() == 10s);       // bare integer = seconds
    CHECK(sy::parse_duration("10s").value() == 10s);
    CHECK(sy::parse_duration("1m30s").value() == 90s);
    CHECK(sy::parse_duration("500ms").value() == 500ms);
    CHECK(sy::parse_duration("1.5h").value() == 90min);
    CHECK(sy::parse_duration("-2s").value() == -2s);
    CHECK(sy::parse_duration("0").value() == 0s);
}

TEST_CASE("bad durations say why") {
    auto r = sy::parse_duration("10x");
    REQUIRE_FALSE(r);
    CHECK(r.error().what == "invalid duration \"10x\": unknown unit \"x\"");
    CHECK_FALSE(sy::parse_duration(""));
    CHECK_FALSE(sy::parse_duration("s"));
    CHECK_FALSE(sy::parse_duration("1.5"));
}

TEST_CASE("durations render as Go does") {
    CHECK(sy::format_duration(90s) == "1m30s");
    CHECK(sy::format_duration(500ms) == "500ms");
    CHECK(sy::format_duration(0s) == "0s");
    CHECK(sy::format_duration(1500ms) == "1.5s");
}
