// The ban list's phase and its effect on open connections, as a client sees them (the list's file: integration).
#include "bans/ban_file.hpp"
#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

namespace {

std::shared_ptr<const bans::ban_set> bans_of(const char* text) {
    const auto f = bans::parse_ban_file(text);
    REQUIRE(f.errors.empty());
    return std::make_shared<const bans::ban_set>(f.entries);
}

void with_ban_list(config::static_config& s) { s.ban_list.filename = "unused-by-the-forwarder"; }

bool refused(uint16_t port, const char* source) {
    client c(port, "127.0.0.1", source);
    return c.closed_within(2s);
}

}  // namespace

TEST_CASE("ban list: a banned client is refused before routing; others are served", "[forwarder][bans]") {
    backend b({.greeting = "hello\n"});
    running_server rs({}, 2, with_ban_list);
    rs.publish_and_settle(make_snapshot("ep", {}, {make_route("r@file", rule_sni("*"), false,
                                                              make_service("s@file", {b.address()}))}));
    rs.srv->publish_bans(bans_of("127.0.0.5\n10.0.0.0/8\n"));
    CHECK(eventually([&] { return refused(rs.port, "127.0.0.5"); }));
    CHECK(ended(rs.counters, "ep", telemetry::outcome::banned) >= 1);
    client other(rs.port, "127.0.0.1", "127.0.0.6");
    CHECK(other.recv_exactly(6) == "hello\n");
    rs.srv->publish_bans(bans_of("# lifted\n"));
    CHECK(eventually([&] {
        client again(rs.port, "127.0.0.1", "127.0.0.5");
        return again.recv_exactly(6, 500ms) == "hello\n";
    }));
}

TEST_CASE("ban list: a new ban closes the client's open connections and counts them as banned", "[forwarder][bans]") {
    backend b({.greeting = "hello\n"});
    running_server rs({}, 2, with_ban_list);
    rs.publish_and_settle(make_snapshot("ep", {}, {make_route("r@file", rule_sni("*"), false,
                                                              make_service("s@file", {b.address()}))}));
    client held(rs.port, "127.0.0.1", "127.0.0.7");
    REQUIRE(held.recv_exactly(6) == "hello\n");
    client spared(rs.port, "127.0.0.1", "127.0.0.8");
    REQUIRE(spared.recv_exactly(6) == "hello\n");
    rs.srv->publish_bans(bans_of("127.0.0.7 # now\n"));
    CHECK(held.closed_within(2s));
    CHECK(eventually([&] { return ended(rs.counters, "ep", telemetry::outcome::banned) == 1; }));
    spared.send("ping");
    CHECK(spared.recv_exactly(4) == "ping");
}

TEST_CASE("ban list: keepEstablished spares open connections; entrypoints outside banList.entryPoints ignore it",
          "[forwarder][bans]") {
    backend b({.greeting = "hello\n"});
    running_server keep({}, 2, [](config::static_config& s) {
        with_ban_list(s);
        s.ban_list.keep_established = true;
    });
    keep.publish_and_settle(make_snapshot("ep", {}, {make_route("r@file", rule_sni("*"), false,
                                                                make_service("s@file", {b.address()}))}));
    client held(keep.port, "127.0.0.1", "127.0.0.7");
    REQUIRE(held.recv_exactly(6) == "hello\n");
    keep.srv->publish_bans(bans_of("127.0.0.7\n"));
    CHECK(eventually([&] { return refused(keep.port, "127.0.0.7"); }));
    held.send("ping");
    CHECK(held.recv_exactly(4) == "ping");

    running_server elsewhere({}, 2, [](config::static_config& s) {
        with_ban_list(s);
        s.ban_list.entry_points = {"other"};
    });
    elsewhere.publish_and_settle(make_snapshot("ep", {}, {make_route("r@file", rule_sni("*"), false,
                                                                     make_service("s@file", {b.address()}))}));
    elsewhere.srv->publish_bans(bans_of("127.0.0.0/8\n"));
    // The list is posted to the workers; clients a while after it are still served.
    for (int i = 0; i < 5; ++i) {
        client served(elsewhere.port, "127.0.0.1", "127.0.0.7");
        CHECK(served.recv_exactly(6) == "hello\n");
    }
    CHECK(ended(elsewhere.counters, "ep", telemetry::outcome::banned) == 0);
}
