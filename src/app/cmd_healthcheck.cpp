// `switchyard healthcheck`: HEAD /ping on the ping entrypoint, exit 0 on 200 and 1 otherwise, so a Docker
// HEALTHCHECK needs no shell and no curl in the image (Traefik's `traefik healthcheck`, cmd/healthcheck).
//
// The ping entrypoint and its address come from the same flags and TRAEFIK_* environment variables the router reads.
// Until the shared static-configuration loader (config/load_static.hpp) lands, only the keys that matter here are
// read: --ping.entryPoint and --entryPoints.<name>.address (any case, "--k=v" or "--k v"), and their environment
// forms; every other argument is ignored so the router's whole command line can be passed unchanged.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "app/commands.hpp"
#include "base/address.hpp"
#include "base/text.hpp"

extern char** environ;

namespace sy::app {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct ping_target {
    std::string entry_point = "traefik";
    std::map<std::string, std::string> addresses;  ///< lower-cased entrypoint name → address
};

/// Reads `key=value` pairs, keys lower-cased and dotted ("ping.entrypoint").
void apply(ping_target& t, std::string key, const std::string& value) {
    key = ascii_lower(key);
    if (key == "ping.entrypoint") {
        t.entry_point = value;
        return;
    }
    constexpr std::string_view prefix = "entrypoints.", suffix = ".address";
    if (key.size() > prefix.size() + suffix.size() && key.starts_with(prefix) && key.ends_with(suffix))
        t.addresses[key.substr(prefix.size(), key.size() - prefix.size() - suffix.size())] = value;
}

ping_target read_target(int argc, char** argv) {
    ping_target t;
    // Environment first, flags override it, as in the router.
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv = *e;
        if (!kv.starts_with("TRAEFIK_")) continue;
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        std::string key(kv.substr(8, eq - 8));
        for (char& c : key)
            if (c == '_') c = '.';
        apply(t, key, std::string(kv.substr(eq + 1)));
    }
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (!a.starts_with("--")) continue;
        a.remove_prefix(2);
        auto eq = a.find('=');
        if (eq != std::string_view::npos) {
            apply(t, std::string(a.substr(0, eq)), std::string(a.substr(eq + 1)));
        } else if (i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--") {
            apply(t, std::string(a), argv[++i]);
        }
    }
    return t;
}

/// An address that listens everywhere is reached on loopback.
std::string dial_host(const std::string& host) {
    if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
    if (host == "::") return "::1";
    return host;
}

}  // namespace

int cmd_healthcheck(int argc, char** argv) {
    ping_target t = read_target(argc, argv);
    std::string address = ":8080";  // the implicit `traefik` entrypoint
    if (auto it = t.addresses.find(ascii_lower(t.entry_point)); it != t.addresses.end()) {
        address = it->second;
    } else if (ascii_lower(t.entry_point) != "traefik") {
        std::fprintf(stderr, "switchyard healthcheck: ping.entryPoint \"%s\" has no address (set "
                             "--entryPoints.%s.address)\n", t.entry_point.c_str(), t.entry_point.c_str());
        return 1;
    }
    auto hp = parse_host_port(address);
    if (!hp) {
        std::fprintf(stderr, "switchyard healthcheck: entryPoints.%s.address: %s\n", t.entry_point.c_str(),
                     hp.error().to_string().c_str());
        return 1;
    }
    std::string host = dial_host(hp->host);
    std::string url = "http://" + format_host_port(host, hp->port) + "/ping";

    // Async operations bounded by run_for: Traefik's health check client gives up after 5 seconds.
    net::io_context io;
    tcp::socket sock(io);
    tcp::resolver resolver(io);
    std::string response;
    boost::system::error_code result = net::error::timed_out;
    std::string request = "HEAD /ping HTTP/1.1\r\nHost: " + format_host_port(host, hp->port) +
                          "\r\nUser-Agent: switchyard-healthcheck\r\nConnection: close\r\n\r\n";
    resolver.async_resolve(host, std::to_string(hp->port), [&](auto ec, tcp::resolver::results_type eps) {
        if (ec) return void(result = ec);
        net::async_connect(sock, eps, [&](auto ec2, const tcp::endpoint&) {
            if (ec2) return void(result = ec2);
            net::async_write(sock, net::buffer(request), [&](auto ec3, std::size_t) {
                if (ec3) return void(result = ec3);
                net::async_read_until(sock, net::dynamic_buffer(response), "\r\n", [&](auto ec4, std::size_t) {
                    result = ec4;
                });
            });
        });
    });
    io.run_for(std::chrono::seconds(5));

    if (result) {
        std::fprintf(stderr, "Error calling healthcheck: %s: %s\n", url.c_str(), result.message().c_str());
        return 1;
    }
    // "HTTP/1.1 200 OK"
    auto sp = response.find(' ');
    int status = sp == std::string::npos ? 0 : std::atoi(response.c_str() + sp + 1);
    if (status != 200) {
        std::fprintf(stderr, "Bad healthcheck status: %d\n", status);
        return 1;
    }
    std::printf("OK: %s\n", url.c_str());
    return 0;
}

}  // namespace sy::app
