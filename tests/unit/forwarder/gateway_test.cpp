// The Docker-gateway warning on the data path: a client whose address is a known Docker network's gateway is still
// routed, and the log says once what happened and how to fix it. The gateway is fabricated (127.0.0.1 stands for a
// bridge gateway such as 172.18.0.1: the tests talk to loopback only).
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <sstream>

#include "forwarder/gateway_warning.hpp"
#include "sy_catch.hpp"
#include "test_net.hpp"

using namespace sy;
using namespace sy::test;

namespace {

/// Captures spdlog's output while alive (the forwarder logs from its worker threads: the sink locks).
struct captured_log {
    std::ostringstream text;
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
    captured_log() {
        spdlog::set_default_logger(
            std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(text)));
    }
    ~captured_log() { spdlog::set_default_logger(previous); }
    std::string str() {
        spdlog::default_logger()->flush();
        return text.str();
    }
};

size_t count(const std::string& haystack, const std::string& needle) {
    size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("a client that is a Docker network's gateway is routed, and warned about once", "[forwarder]") {
    captured_log log;
    backend smtp({.greeting = "220 mx.example ESMTP\r\n", .expect_proxy = true});
    running_server rs;
    auto snap = std::make_shared<runtime::snapshot>(*make_snapshot(
        "ep", {}, {make_route("smtp@docker", rule_sni("*"), false, make_service("smtp@docker", {smtp.address()}, 2))}));
    snap->docker_gateways = runtime::make_docker_gateways({{"127.0.0.1", "mail_default"}, {"fd00::1", "mail_default"}});
    rs.publish_and_settle(snap);
    for (int i = 0; i < 2; ++i) {
        client c(rs.port);
        CHECK(c.recv_exactly(22, 2s) == "220 mx.example ESMTP\r\n");
    }
    REQUIRE(smtp.wait_connections(2));
    const std::string text = log.str();
    INFO(text);
    CHECK(count(text, "client address 127.0.0.1 is the gateway of Docker network \"mail_default\"") == 1);
    CHECK(text.find("userland-proxy") != std::string::npos);
    CHECK(text.find("enable_ipv6") != std::string::npos);
}

TEST_CASE("warn_if_docker_gateway: nothing for other addresses or without Docker networks", "[forwarder]") {
    runtime::snapshot none;
    CHECK_FALSE(forwarder::warn_if_docker_gateway(none, *parse_ip("127.0.0.9"), "ep"));
    runtime::snapshot some;
    some.docker_gateways = runtime::make_docker_gateways({{"127.0.0.8", "n"}});
    CHECK_FALSE(forwarder::warn_if_docker_gateway(some, *parse_ip("127.0.0.9"), "ep"));
    CHECK(forwarder::warn_if_docker_gateway(some, *parse_ip("::ffff:127.0.0.8"), "ep"));  // v4-mapped counts
    CHECK_FALSE(forwarder::warn_if_docker_gateway(some, *parse_ip("127.0.0.8"), "ep"));   // once per address
}
