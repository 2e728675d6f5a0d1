#include "bans/expiry_time.hpp"

#include "sy_catch.hpp"

using namespace sy::bans;

TEST_CASE("expiry: RFC 3339 in UTC and with offsets, fractions dropped") {
    CHECK(parse_expiry("1970-01-01T00:00:00Z").value() == 0);
    CHECK(parse_expiry("2026-12-02T06:00:00Z").value() == 1796191200);
    CHECK(parse_expiry("2026-12-02t06:00:00z").value() == 1796191200);
    CHECK(parse_expiry("2026-12-02T08:00:00+02:00").value() == 1796191200);
    CHECK(parse_expiry("2026-12-01T23:30:00-06:30").value() == 1796191200);
    CHECK(parse_expiry("2026-12-02T06:00:00.999Z").value() == 1796191200);
    CHECK(parse_expiry("2024-02-29T00:00:00Z").value() == 1709164800);  // a leap day
}

TEST_CASE("expiry: unix seconds") {
    CHECK(parse_expiry("0").value() == 0);
    CHECK(parse_expiry("1796191200").value() == 1796191200);
    CHECK(parse_expiry("99999999999").value() == 99999999999);
}

TEST_CASE("expiry: every malformed shape is refused with the text") {
    for (const char* bad : {"", "tomorrow", "2026-12-02", "2026-12-02T06:00:00", "2026-12-02T06:00Z",
                            "2026-12-02T06:00:00+0200", "2026-12-02T06:00:00+02", "2026-12-02T06:00:00.Z",
                            "2026-12-02T06:00:00ZZ", "2026/12/02T06:00:00Z", "-1", "1796191200.5", "+1796191200",
                            "2026-12-02T06:00:00+24:00", "1e9"}) {
        INFO(bad);
        auto r = parse_expiry(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().what.find("\"" + std::string(bad) + "\"") != std::string::npos);
    }
    for (const char* impossible : {"2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                                   "2026-12-02T24:00:00Z", "2026-12-02T06:60:00Z", "2026-00-10T06:00:00Z"}) {
        INFO(impossible);
        auto r = parse_expiry(impossible);
        REQUIRE_FALSE(r);
        CHECK(r.error().what.find("not a valid date") != std::string::npos);
    }
    auto ms = parse_expiry("1796191200000");
    REQUIRE_FALSE(ms);
    CHECK(ms.error().what.find("milliseconds") != std::string::npos);
}

TEST_CASE("expiry: formatted as RFC 3339 UTC, the same instant back") {
    CHECK(format_expiry(1796191200) == "2026-12-02T06:00:00Z");
    CHECK(format_expiry(0) == "1970-01-01T00:00:00Z");
    CHECK(format_expiry(never).empty());
    for (unix_seconds t : {unix_seconds{1}, unix_seconds{951782400}, unix_seconds{4102444799}})
        CHECK(parse_expiry(format_expiry(t)).value() == t);
}
