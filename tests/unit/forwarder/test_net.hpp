#pragma once
// Loopback helpers for the forwarder's tests: blocking POSIX sockets with timeouts, a threaded backend that records
// what it receives (PROXY header included), a running forwarder::server, and hand-built routing snapshots.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/static_config.hpp"
#include "forwarder/server.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/counters.hpp"

namespace sy::test {

using namespace std::chrono_literals;

/// A port free on 127.0.0.1 now.
uint16_t free_port();

/// A connected client socket (fd); fails the test if it cannot connect within 5 s.
class client {
public:
    /// `source`: the loopback address to connect from (127.0.0.2, ...), else the kernel's choice.
    explicit client(uint16_t port, const std::string& host = "127.0.0.1", const std::string& source = "");
    client(client&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    client(const client&) = delete;
    ~client();
    void send(std::string_view bytes);
    /// Exactly n bytes, or what came before EOF/timeout (shorter).
    std::string recv_exactly(size_t n, std::chrono::milliseconds timeout = 5s);
    /// Everything until EOF; nullopt if the peer did not close within `timeout`.
    std::optional<std::string> recv_until_eof(std::chrono::milliseconds timeout = 5s);
    /// True if the peer closed (EOF or reset) within `timeout` without sending anything.
    bool closed_within(std::chrono::milliseconds timeout);
    void shutdown_write();
    int fd() const { return fd_; }
    /// Local port (the client's source port).
    uint16_t local_port() const;

private:
    int fd_ = -1;
};

/// What a backend saw on one connection.
struct backend_conn {
    std::string proxy_header;  ///< raw header bytes, when the backend expects one
    std::string received;      ///< after the header
    bool closed = false;
};

/// A loopback TCP backend on its own threads: reads a PROXY header first if `expect_proxy`, sends `greeting`,
/// then echoes (if `echo`) until EOF, then closes.
class backend {
public:
    struct options {
        std::string greeting;
        bool expect_proxy = false;
        bool echo = true;
    };
    backend() : backend(options{}) {}
    explicit backend(options opt);
    backend(const backend&) = delete;
    ~backend();

    uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    /// Waits until `n` connections were accepted (false on timeout).
    bool wait_connections(size_t n, std::chrono::milliseconds timeout = 5s);
    /// Waits until connection `i` has received `n` bytes (after any header) or closed.
    bool wait_received(size_t i, size_t n, std::chrono::milliseconds timeout = 5s);
    bool wait_closed(size_t i, std::chrono::milliseconds timeout = 5s);
    backend_conn conn(size_t i);
    size_t connections();

private:
    void serve(int fd, size_t index);
    options opt_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<backend_conn> conns_;
    std::vector<std::thread> threads_;
    std::vector<int> fds_;
    std::thread acceptor_;
};

/// A rule for tests: matches an SNI exactly, or anything with "*", or a client IP prefix ("ip:127."); "throw"
/// throws from matches() (a bug in a phase).
std::shared_ptr<const rules::compiled_rule> rule_sni(std::string host);

/// A load-balancer service over `addresses` ("127.0.0.1:port").
std::shared_ptr<runtime::service_plan> make_service(std::string name, const std::vector<std::string>& addresses,
                                                    int proxy_version = 0);

runtime::route make_route(std::string router, std::shared_ptr<const rules::compiled_rule> rule, bool tls,
                          std::shared_ptr<const runtime::service_plan> service);

/// A snapshot with one entrypoint table; flags computed as the runtime builder does.
std::shared_ptr<const runtime::snapshot> make_snapshot(const std::string& entry_point,
                                                       std::vector<runtime::route> tls_routes,
                                                       std::vector<runtime::route> tcp_routes,
                                                       uint64_t generation = 1);

/// A started forwarder::server with one entrypoint "ep" on 127.0.0.1:<free port>.
struct running_server {
    config::static_config statics;
    telemetry::registry counters{4};
    std::unique_ptr<forwarder::server> srv;
    uint16_t port = 0;

    /// `tweak` may change the entrypoint before start (proxy protocol, timeouts).
    /// `statics_tweak` may change the static configuration before start (the ban list).
    explicit running_server(std::function<void(config::entry_point&)> tweak = {}, int threads = 2,
                            std::function<void(config::static_config&)> statics_tweak = {});
    ~running_server();
    void publish(std::shared_ptr<const runtime::snapshot> s) { srv->publish(std::move(s)); }
    /// publish() is asynchronous; this returns once every worker has the snapshot (a connection made after it
    /// is routed by it).
    void publish_and_settle(std::shared_ptr<const runtime::snapshot> s);
};

/// The bytes of a real TLS ClientHello (OpenSSL client over memory BIOs) with `sni` (none if empty).
std::string client_hello(const std::string& sni, const std::vector<std::string>& alpn = {});

/// How many of entrypoint `ep`'s connections ended with `o`.
uint64_t ended(telemetry::registry& counters, const std::string& ep, telemetry::outcome o);

/// Waits until `pred` is true, polling every ms, up to `timeout`.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s);

}  // namespace sy::test
