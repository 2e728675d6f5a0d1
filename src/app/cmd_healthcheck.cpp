// `switchyard healthcheck`: HEAD /ping on the ping entrypoint, exit 0 on 200 and 1 otherwise, so a Docker
// HEALTHCHECK needs no shell and no curl in the image (Traefik's cmd/healthcheck: same messages, on stdout, and
// the same 5-second limit). It reads the static configuration exactly as the router does, so the router's whole
// command line, environment or configuration file work unchanged.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/routes.hpp"
#include "app/commands.hpp"
#include "app/environment.hpp"
#include "base/address.hpp"
#include "config/load_static.hpp"

namespace sy::app {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

/// An entrypoint that listens everywhere is reached on loopback (Go dials ":8080" as localhost).
std::string dial_host(const std::string& host) {
    if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
    if (host == "::") return "::1";
    return host;
}

/// "200 OK" from "HTTP/1.1 200 OK\r\n"; empty when the line is not a status line.
std::string status_of(const std::string& line) {
    auto sp = line.find(' ');
    auto end = line.find("\r\n");
    if (sp == std::string::npos || end == std::string::npos || end <= sp) return {};
    return line.substr(sp + 1, end - sp - 1);
}

/// In a container the router is PID 1 and its flags are in the compose `command:`, which a HEALTHCHECK does not
/// see. Traefik's healthcheck needs the flags repeated; here, when none are given and PID 1 is switchyard itself
/// running the router, its command line is read back, so `HEALTHCHECK ["/switchyard","healthcheck"]` just works.
std::vector<std::string> router_args_of_pid1() {
    std::ifstream in("/proc/1/cmdline", std::ios::binary);
    std::vector<std::string> argv;
    for (std::string arg; std::getline(in, arg, '\0');) argv.push_back(arg);
    if (argv.empty()) return {};
    const std::string& exe = argv.front();
    const bool is_switchyard = exe == "switchyard" || exe.ends_with("/switchyard");
    if (!is_switchyard || (argv.size() > 1 && !argv[1].starts_with("-"))) return {};  // a sub-command, not the router
    return {argv.begin() + 1, argv.end()};
}

}  // namespace

int cmd_healthcheck(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) args = router_args_of_pid1();
    auto statics = config::load_static(args, process_environment());
    if (!statics) {
        std::printf("Error calling healthcheck: %s\n", statics.error().to_string().c_str());
        return 1;
    }
    if (!statics->ping.enabled) {
        std::printf("Error calling healthcheck: please enable `ping` to use health check\n");
        return 1;
    }
    const std::string& name = statics->ping.entry_point.empty() ? std::string("traefik") : statics->ping.entry_point;
    auto eps = api::api_entry_points(*statics);  // with the implicit `traefik` one, as SetEffectiveConfiguration
    auto it = eps.find(name);
    if (it == eps.end()) {
        std::printf("Error calling healthcheck: ping: missing %s entry point\n", name.c_str());
        return 1;
    }
    const host_port& listen = it->second.listen;
    std::string host = dial_host(listen.host);
    std::string authority = format_host_port(host, listen.port);
    std::string url = "http://" + authority + "/ping";

    // Asynchronous steps bounded by run_for: the whole check gives up after 5 seconds.
    net::io_context io;
    tcp::socket sock(io);
    tcp::resolver resolver(io);
    std::string response;
    boost::system::error_code result = net::error::timed_out;
    std::string request = "HEAD /ping HTTP/1.1\r\nHost: " + authority +
                          "\r\nUser-Agent: switchyard-healthcheck\r\nConnection: close\r\n\r\n";
    resolver.async_resolve(host, std::to_string(listen.port), [&](auto ec, tcp::resolver::results_type found) {
        if (ec) return void(result = ec);
        net::async_connect(sock, found, [&](auto ec2, const tcp::endpoint&) {
            if (ec2) return void(result = ec2);
            net::async_write(sock, net::buffer(request), [&](auto ec3, std::size_t) {
                if (ec3) return void(result = ec3);
                net::async_read_until(sock, net::dynamic_buffer(response), "\r\n",
                                      [&](auto ec4, std::size_t) { result = ec4; });
            });
        });
    });
    io.run_for(std::chrono::seconds(5));

    if (result) {
        std::printf("Error calling healthcheck: HEAD %s: %s\n", url.c_str(), result.message().c_str());
        return 1;
    }
    std::string status = status_of(response);
    if (status.rfind("200", 0) != 0) {
        std::printf("Bad healthcheck status: %s\n", status.empty() ? "(no HTTP status line)" : status.c_str());
        return 1;
    }
    std::printf("OK: %s\n", url.c_str());
    return 0;
}

}  // namespace sy::app
