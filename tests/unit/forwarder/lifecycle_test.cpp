// Start-up errors and graceful shutdown.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include "forwarder/server.hpp"
#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

namespace {

/// A loopback listener on an ephemeral port, held by "someone else" (with SO_REUSEPORT when `reuse_port`, as a
/// second switchyard would hold it). Returns the descriptor and the port.
std::pair<int, uint16_t> hold_port(bool reuse_port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return {fd, ntohs(a.sin_port)};
}

/// Starting a server with entrypoint "smtp" on `port` must fail, naming the entrypoint and the cause.
void check_start_refused(uint16_t port, int threads) {
    config::static_config statics;
    config::entry_point ep;
    ep.address = "127.0.0.1:" + std::to_string(port);
    ep.listen = {"127.0.0.1", port};
    statics.entry_points["smtp"] = ep;
    statics.threads = threads;
    telemetry::registry counters;
    forwarder::server srv(statics, counters, nullptr);
    CHECK_THROWS_WITH(srv.start(), Catch::Contains("entryPoint \"smtp\"") && Catch::Contains("in use"));
}

}  // namespace

TEST_CASE("an entrypoint that cannot bind stops start-up with its name", "[forwarder][lifecycle]") {
    // Someone else holds the port (without SO_REUSEPORT).
    auto [fd, port] = hold_port(false);
    check_start_refused(port, 1);
    ::close(fd);
}

TEST_CASE("a port already held with SO_REUSEPORT (a second switchyard) stops start-up with its name",
          "[forwarder][lifecycle]") {
    // Another process listening with SO_REUSEPORT, as a second switchyard would: the kernel would let our per-worker
    // acceptors join it silently, so start-up must refuse instead.
    auto [fd, port] = hold_port(true);
    check_start_refused(port, 2);
    ::close(fd);
}

TEST_CASE("the API's entrypoint is left to the API", "[forwarder][lifecycle]") {
    config::static_config statics;
    statics.api.enabled = true;
    statics.api.insecure = true;
    statics.ping.enabled = true;
    statics.ping.entry_point = "health";
    CHECK(forwarder::api_entry_points(statics) == std::set<std::string>{"health", "traefik"});
}

TEST_CASE("stop() lets open connections finish within the grace period", "[forwarder][lifecycle]") {
    backend b;
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}))}));
    client c(rs.port);
    c.send("a");
    REQUIRE(c.recv_exactly(1) == "a");

    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
        rs.srv->stop(std::chrono::seconds(5));
        stopped = true;
    });
    // New connections are refused once the acceptors close...
    CHECK(eventually([&] {
        try {
            client probe(rs.port);
            return false;
        } catch (const std::exception&) {
            return true;
        }
    }));
    // ...while the open one still works.
    c.send("b");
    CHECK(c.recv_exactly(1) == "b");
    CHECK_FALSE(stopped.load());
    c.shutdown_write();
    CHECK(c.recv_until_eof(3s).has_value());
    const auto t0 = std::chrono::steady_clock::now();
    stopper.join();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
    CHECK(stopped.load());
}

TEST_CASE("stop() closes what is still open when the grace period ends", "[forwarder][lifecycle]") {
    backend b;
    running_server rs;
    rs.publish_and_settle(make_snapshot(
        "ep", {}, {make_route("r@file", rule_sni("*"), false, make_service("s@file", {b.address()}))}));
    client c(rs.port);
    c.send("a");
    REQUIRE(c.recv_exactly(1) == "a");
    const auto t0 = std::chrono::steady_clock::now();
    rs.srv->stop(std::chrono::milliseconds(300));
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took >= std::chrono::milliseconds(250));
    CHECK(took < std::chrono::seconds(3));
    CHECK(c.recv_until_eof(2s).has_value());
    CHECK(rs.srv->open_connections() == 0);
}
