// The API server over loopback: real sockets, raw HTTP/1.1 text, the io_context on its own thread.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "api/server.hpp"
#include "sy_catch.hpp"

using namespace sy;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

config::static_config loopback_statics() {
    config::static_config s;
    config::entry_point ep;
    ep.address = "127.0.0.1:0";
    ep.listen = host_port{"127.0.0.1", 0};
    s.entry_points["traefik"] = ep;
    s.api.enabled = true;
    s.api.insecure = true;
    s.ping.enabled = true;
    s.prometheus.enabled = true;
    return s;
}

/// Sends one request with Connection: close and returns everything the server wrote until it closed.
std::string exchange(unsigned short port, const std::string& method, const std::string& target) {
    net::io_context io;
    tcp::socket sock(io);
    sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    net::write(sock, net::buffer(req));
    std::string out;
    boost::system::error_code ec;
    net::read(sock, net::dynamic_buffer(out), ec);  // until EOF: the server closes after a Connection: close answer
    return out;
}

std::string status_line(const std::string& raw) { return raw.substr(0, raw.find("\r\n")); }
std::string body_of(const std::string& raw) {
    auto p = raw.find("\r\n\r\n");
    return p == std::string::npos ? std::string() : raw.substr(p + 4);
}

struct running_server {
    net::io_context io;
    config::static_config statics = loopback_statics();
    telemetry::registry counters;
    api::api_server server{io.get_executor(), statics, counters};
    std::thread thread;
    unsigned short port = 0;

    running_server() {
        server.start();
        port = server.bound_port("traefik");
    }
    void run() {
        thread = std::thread([this] { io.run(); });
    }
    ~running_server() {
        server.stop();
        io.stop();
        if (thread.joinable()) thread.join();
    }
};

}  // namespace

TEST_CASE("server: 404 JSON, 405, HEAD without a body, ping 200 then 503, published snapshot shows up") {
    running_server s;
    REQUIRE(s.port != 0);
    s.run();

    auto missing = exchange(s.port, "GET", "/api/tcp/routers/nope@docker");
    CHECK(status_line(missing) == "HTTP/1.1 404 Not Found");
    CHECK(body_of(missing) == "{\"message\":\"router not found: nope@docker\"}\n");

    auto post = exchange(s.port, "POST", "/api/tcp/routers");
    CHECK(status_line(post) == "HTTP/1.1 405 Method Not Allowed");
    CHECK(post.find("Allow: GET, HEAD\r\n") != std::string::npos);

    auto get = exchange(s.port, "GET", "/api/overview");
    auto head = exchange(s.port, "HEAD", "/api/overview");
    CHECK(status_line(head) == "HTTP/1.1 200 OK");
    CHECK(body_of(head).empty());
    std::string length = "Content-Length: " + std::to_string(body_of(get).size()) + "\r\n";
    CHECK(head.find(length) != std::string::npos);

    auto ping = exchange(s.port, "GET", "/ping");
    CHECK(status_line(ping) == "HTTP/1.1 200 OK");
    CHECK(body_of(ping) == "OK");

    auto snap = std::make_shared<runtime::snapshot>();
    runtime::router_info r;
    r.name = "smtp@file";
    r.provider = "file";
    r.config.rule = "HostSNI(`*`)";
    snap->routers[r.name] = r;
    s.server.publish(snap);
    auto listed = exchange(s.port, "GET", "/api/tcp/routers");
    CHECK(body_of(listed).find("\"name\":\"smtp@file\"") != std::string::npos);

    s.server.set_shutting_down();
    auto down = exchange(s.port, "GET", "/ping");
    CHECK(status_line(down) == "HTTP/1.1 503 Service Unavailable");
}

TEST_CASE("server: keep-alive serves several requests on one connection") {
    running_server s;
    s.run();
    net::io_context io;
    tcp::socket sock(io);
    sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), s.port));
    std::string reqs = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    net::write(sock, net::buffer(reqs));
    std::string out;
    boost::system::error_code ec;
    net::read(sock, net::dynamic_buffer(out), ec);
    size_t count = 0;
    for (auto p = out.find("HTTP/1.1 200 OK"); p != std::string::npos; p = out.find("HTTP/1.1 200 OK", p + 1)) ++count;
    CHECK(count == 2);
}

TEST_CASE("server: an address already in use is a start-up error naming the entrypoint and address") {
    running_server first;
    net::io_context io;
    config::static_config statics = loopback_statics();
    statics.entry_points["traefik"].address = "127.0.0.1:" + std::to_string(first.port);
    statics.entry_points["traefik"].listen.port = first.port;
    telemetry::registry counters;
    api::api_server second(io.get_executor(), statics, counters);
    try {
        second.start();
        FAIL("bound twice");
    } catch (const std::exception& e) {
        std::string what = e.what();
        CHECK(what.find("entryPoint \"traefik\"") != std::string::npos);
        CHECK(what.find("127.0.0.1:" + std::to_string(first.port)) != std::string::npos);
    }
}

TEST_CASE("server: a ping entrypoint that does not exist is a start-up error") {
    net::io_context io;
    config::static_config statics = loopback_statics();
    statics.ping.entry_point = "health";
    telemetry::registry counters;
    api::api_server server(io.get_executor(), statics, counters);
    CHECK_THROWS_WITH(server.start(), Catch::Contains("entryPoint \"health\" doesn't exist"));
}

TEST_CASE("server: nothing enabled binds nothing") {
    net::io_context io;
    config::static_config statics;
    telemetry::registry counters;
    api::api_server server(io.get_executor(), statics, counters);
    server.start();
    CHECK(server.bound_port("traefik") == 0);
}

TEST_CASE("server: an API entrypoint on a host name listens there, as a routing entrypoint would") {
    // review C11: the API used make_address, so `localhost:8080` failed start-up while the forwarder resolved it.
    net::io_context io;
    config::static_config statics = loopback_statics();
    statics.entry_points["traefik"].address = "localhost:0";
    statics.entry_points["traefik"].listen = host_port{"localhost", 0};
    telemetry::registry counters;
    api::api_server server(io.get_executor(), statics, counters);
    REQUIRE_NOTHROW(server.start());
    CHECK(server.bound_port("traefik") != 0);
    server.stop();
}
