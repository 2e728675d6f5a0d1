// CrowdSec's decision stream: the answers a real LAPI gives (captured from Debian 12's crowdsec 1.4.6), every
// malformed shape, and the bouncer's held decisions across startup and delta answers.
#include "bans/crowdsec_stream.hpp"

#include "bans/ban_set.hpp"
#include "sy_catch.hpp"

using namespace sy;
using namespace sy::bans;

namespace {

// Verbatim from `curl /v1/decisions/stream?startup=true` after `cscli decisions add --ip 127.0.0.5 --duration 1h`.
constexpr std::string_view startup_answer =
    R"({"deleted":null,"new":[{"duration":"59m45.019003005s","id":1,"origin":"cscli",)"
    R"("scenario":"manual 'ban' from 'test'","scope":"Ip","type":"ban","value":"127.0.0.5"}]})";
// A later delta: a range, and a captcha (not enforced at layer 4).
constexpr std::string_view delta_answer =
    R"({"deleted":null,"new":[{"duration":"29m59.216483381s","id":2,"origin":"cscli","scenario":"manual 'ban' from)"
    R"( 'test'","scope":"Range","type":"ban","value":"2001:db8::/64"},{"duration":"3h59m59.216480305s","id":3,)"
    R"("origin":"cscli","scenario":"manual 'captcha' from 'test'","scope":"Ip","type":"captcha","value":"127.0.0.9"}]})";
// After `cscli decisions delete --ip 127.0.0.5`.
constexpr std::string_view deleted_answer =
    R"({"deleted":[{"duration":"-50.391137ms","id":1,"origin":"cscli","scenario":"manual 'ban' from 'test'",)"
    R"("scope":"Ip","type":"ban","value":"127.0.0.5"}],"new":null})";

ip_address ip(const char* s) { return *parse_ip(s); }

std::string with_new(const std::string& decision) { return R"({"new":[)" + decision + R"(],"deleted":null})"; }

std::string decision(const std::string& fields) {
    return R"({"id":7,"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"1h",)" + fields + "}";
}

}  // namespace

TEST_CASE("crowdsec stream: a real LAPI's startup answer") {
    auto s = parse_decision_stream(startup_answer);
    REQUIRE(s);
    REQUIRE(s->added.size() == 1);
    CHECK(s->added[0].id == 1);
    CHECK(s->added[0].range.to_string() == "127.0.0.5/32");
    CHECK(std::chrono::duration_cast<std::chrono::seconds>(s->added[0].remaining).count() == 59 * 60 + 45);
    CHECK(s->added[0].origin == "cscli");
    CHECK(s->added[0].scenario == "manual 'ban' from 'test'");
    CHECK(s->deleted.empty());
    CHECK(s->skipped.empty());
}

TEST_CASE("crowdsec stream: ranges are enforced, captcha is skipped and named") {
    auto s = parse_decision_stream(delta_answer);
    REQUIRE(s);
    REQUIRE(s->added.size() == 1);
    CHECK(s->added[0].range.to_string() == "2001:db8::/64");
    REQUIRE(s->skipped.size() == 1);
    CHECK(s->skipped[0] == "new[1]: type \"captcha\" is not enforced at layer 4");
}

TEST_CASE("crowdsec stream: deletions name ids") {
    auto s = parse_decision_stream(deleted_answer);
    REQUIRE(s);
    CHECK(s->added.empty());
    CHECK(s->deleted == std::vector<int64_t>{1});
}

TEST_CASE("crowdsec stream: an empty answer") {
    auto s = parse_decision_stream(R"({"deleted":null,"new":null})");
    REQUIRE(s);
    CHECK(s->added.empty());
    CHECK(s->deleted.empty());
    CHECK(parse_decision_stream(R"({"new":[]})"));
}

TEST_CASE("crowdsec stream: answers that are not the stream are errors") {
    for (const char* body : {"", "not json", "[]", "null", "42", "{}", R"({"other":1})", R"({"new":{}})",
                             R"({"new":"x"})", R"({"deleted":5})", R"({"new":[)"}) {
        INFO(body);
        CHECK_FALSE(parse_decision_stream(body));
    }
}

TEST_CASE("crowdsec stream: every malformed decision is skipped with why, the others kept") {
    const std::pair<std::string, std::string> cases[] = {
        {"5", "not an object"},
        {R"({"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"1h"})", "no numeric id"},
        {R"({"id":"7","type":"ban","scope":"Ip","value":"192.0.2.7","duration":"1h"})", "no numeric id"},
        {R"({"id":-1,"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"1h"})", "no numeric id"},
        {R"({"id":1.5,"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"1h"})", "no numeric id"},
        {R"({"id":18446744073709551615,"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"1h"})",
         "no numeric id"},
        {R"({"id":7,"scope":"Ip","value":"192.0.2.7","duration":"1h"})", "type \"\" is not enforced at layer 4"},
        {R"({"id":7,"type":"throttle","scope":"Ip","value":"192.0.2.7","duration":"1h"})",
         "type \"throttle\" is not enforced at layer 4"},
        {R"({"id":7,"type":"ban","scope":"Country","value":"FR","duration":"1h"})",
         "scope \"Country\" is not an address or range"},
        {R"({"id":7,"type":"ban","scope":"Ip","value":"not-an-ip","duration":"1h"})",
         "value \"not-an-ip\" is not an address or range"},
        {R"({"id":7,"type":"ban","scope":"Ip","value":5,"duration":"1h"})", "value \"\" is not an address or range"},
        {R"({"id":7,"type":"ban","scope":"Range","value":"192.0.2.0/33","duration":"1h"})",
         "value \"192.0.2.0/33\" is not an address or range"},
        {R"({"id":7,"type":"ban","scope":"Ip","value":"192.0.2.0/24","duration":"1h"})",
         "scope Ip with the range \"192.0.2.0/24\""},
        {R"({"id":7,"type":"ban","scope":"Ip","value":"fe80::1%eth0","duration":"1h"})",
         "value \"fe80::1%eth0\" is not an address or range"},
        {R"({"id":7,"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"soon"})",
         "duration \"soon\" is not a Go duration"},
        {R"({"id":7,"type":"ban","scope":"Ip","value":"192.0.2.7"})", "duration \"\" is not a Go duration"},
        {R"({"id":7,"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"-5ms"})",
         "already expired (duration \"-5ms\")"},
        {R"({"id":7,"type":"ban","scope":"Ip","value":"192.0.2.7","duration":"0s"})",
         "already expired (duration \"0s\")"},
    };
    for (const auto& [bad, why] : cases) {
        INFO(bad);
        const std::string body = R"({"new":[)" + bad + R"(,{"id":9,"type":"ban","scope":"ip","value":"192.0.2.9",)"
                                 R"("duration":"10m"}]})";
        auto s = parse_decision_stream(body);
        REQUIRE(s);
        REQUIRE(s->skipped.size() == 1);
        CHECK(s->skipped[0] == "new[0]: " + why);
        REQUIRE(s->added.size() == 1);
        CHECK(s->added[0].id == 9);
    }
}

TEST_CASE("crowdsec stream: names and scopes are case-insensitive; a long value is quoted shortened") {
    auto s = parse_decision_stream(with_new(decision(R"("x":1)")));
    REQUIRE(s);
    CHECK(s->added.size() == 1);
    s = parse_decision_stream(
        with_new(R"({"id":1,"type":"BAN","scope":"RANGE","value":"198.51.100.0/24","duration":"1m"})"));
    REQUIRE(s);
    REQUIRE(s->added.size() == 1);
    CHECK(s->added[0].range.to_string() == "198.51.100.0/24");
    s = parse_decision_stream(with_new(R"({"id":1,"type":"ban","scope":"Ip","value":")" + std::string(500, 'x') +
                                       R"(","duration":"1m"})"));
    REQUIRE(s);
    REQUIRE(s->skipped.size() == 1);
    CHECK(s->skipped[0].size() < 150);
}

TEST_CASE("crowdsec stream: IPv4-mapped values are IPv4 bans") {
    auto s = parse_decision_stream(
        with_new(R"({"id":1,"type":"ban","scope":"Ip","value":"::ffff:192.0.2.7","duration":"1m"})"));
    REQUIRE(s);
    REQUIRE(s->added.size() == 1);
    CHECK(s->added[0].range.to_string() == "192.0.2.7/32");
}

TEST_CASE("crowdsec decisions: startup, deltas, deletions, expiry") {
    crowdsec_decisions held;
    const unix_seconds now = 1'800'000'000;
    REQUIRE(held.apply(*parse_decision_stream(startup_answer), true, now));
    REQUIRE(held.size() == 1);
    auto e = held.entries();
    CHECK(e[0].expires == now + 59 * 60 + 46);  // 59m45.019s, rounded up
    CHECK(e[0].comment == "crowdsec cscli: manual 'ban' from 'test'");
    CHECK(ban_set(e).banned(ip("127.0.0.5"), now));

    // A delta adds; an unchanged answer changes nothing.
    CHECK(held.apply(*parse_decision_stream(delta_answer), false, now + 10));
    CHECK(held.size() == 2);
    CHECK_FALSE(held.apply(*parse_decision_stream(R"({"new":null,"deleted":null})"), false, now + 20));

    // A deletion lifts the ban; an id never held is ignored.
    CHECK(held.apply(*parse_decision_stream(deleted_answer), false, now + 30));
    CHECK_FALSE(held.apply(*parse_decision_stream(R"({"deleted":[{"id":99}]})"), false, now + 30));
    const ban_set after(held.entries());
    CHECK_FALSE(after.banned(ip("127.0.0.5"), now + 30));
    CHECK(after.banned(ip("2001:db8::1"), now + 30));

    // Expired decisions are forgotten.
    CHECK_FALSE(held.forget_expired(now + 60));
    CHECK(held.forget_expired(now + 30 * 60 + 11));
    CHECK(held.size() == 0);
}

TEST_CASE("crowdsec decisions: a startup answer replaces everything held (deletions missed while away)") {
    crowdsec_decisions held;
    const unix_seconds now = 1'800'000'000;
    held.apply(*parse_decision_stream(startup_answer), true, now);
    held.apply(*parse_decision_stream(delta_answer), false, now);
    REQUIRE(held.size() == 2);
    // The LAPI came back; 127.0.0.5's decision was deleted meanwhile, so the whole set no longer has it, and its
    // "deleted" list (expired ones, on a startup answer) is not needed.
    CHECK(held.apply(*parse_decision_stream(with_new(R"({"duration":"29m59s","id":2,"origin":"cscli","scope":"Range",)"
                                                     R"("type":"ban","value":"2001:db8::/64"})")),
                     true, now + 100));
    REQUIRE(held.size() == 1);
    CHECK(ban_set(held.entries()).banned(ip("2001:db8::2"), now + 100));
    CHECK_FALSE(ban_set(held.entries()).banned(ip("127.0.0.5"), now + 100));
    // Startup with nothing: nothing held.
    CHECK(held.apply(*parse_decision_stream(R"({"new":null,"deleted":null})"), true, now + 200));
    CHECK(held.size() == 0);
}

TEST_CASE("crowdsec decisions: the same id again replaces its expiry; a huge duration never overflows") {
    crowdsec_decisions held;
    const unix_seconds now = 1'800'000'000;
    held.apply(*parse_decision_stream(with_new(decision(R"("origin":"crowdsec")"))), false, now);
    CHECK(held.entries()[0].expires == now + 3600);
    held.apply(*parse_decision_stream(with_new(R"({"id":7,"type":"ban","scope":"Ip","value":"192.0.2.7",)"
                                               R"("duration":"2h"})")),
               false, now);
    REQUIRE(held.size() == 1);
    CHECK(held.entries()[0].expires == now + 7200);
    auto huge = parse_decision_stream(
        with_new(R"({"id":8,"type":"ban","scope":"Ip","value":"192.0.2.8","duration":"2562047h"})"));
    REQUIRE(huge);
    if (!huge->added.empty()) {
        held.apply(*huge, false, now);
        for (const auto& e : held.entries()) CHECK(e.expires > now);
    }
}
