#include "test_net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace sy::test {

namespace {

sockaddr_in loopback(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/// Waits for readability; false on timeout.
bool readable(int fd, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

bool read_exact(int fd, std::string& out, size_t n, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (out.size() < n) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !readable(fd, left)) return false;
        char buf[4096];
        ssize_t r = ::recv(fd, buf, std::min(sizeof buf, n - out.size()), 0);
        if (r <= 0) return false;
        out.append(buf, static_cast<size_t>(r));
    }
    return true;
}

}  // namespace

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    auto a = loopback(0);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

// ------------------------------------------------------------------------------------------------ client

client::client(uint16_t port, const std::string& host, const std::string& source) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (!source.empty()) {
        sockaddr_in from = loopback(0);
        ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
            throw std::runtime_error("bind " + source + ": " + std::strerror(errno));
    }
    sockaddr_in a = loopback(port);
    ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
}

client::~client() {
    if (fd_ >= 0) ::close(fd_);
}

void client::send(std::string_view bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t r = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (r <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
        done += static_cast<size_t>(r);
    }
}

std::string client::recv_exactly(size_t n, std::chrono::milliseconds timeout) {
    std::string out;
    read_exact(fd_, out, n, timeout);
    return out;
}

std::optional<std::string> client::recv_until_eof(std::chrono::milliseconds timeout) {
    std::string out;
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !readable(fd_, left)) return std::nullopt;
        char buf[65536];
        ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
        if (r <= 0) return out;
        out.append(buf, static_cast<size_t>(r));
    }
}

bool client::closed_within(std::chrono::milliseconds timeout) {
    auto r = recv_until_eof(timeout);
    return r && r->empty();
}

void client::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

uint16_t client::local_port() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
}

// ------------------------------------------------------------------------------------------------ backend

backend::backend(options opt) : opt_(std::move(opt)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    auto a = loopback(0);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 128);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] {
        for (;;) {
            int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0 || stopping_) {
                if (fd >= 0) ::close(fd);
                return;
            }
            std::lock_guard lock(mutex_);
            conns_.emplace_back();
            fds_.push_back(fd);
            threads_.emplace_back([this, fd, i = conns_.size() - 1] { serve(fd, i); });
            cv_.notify_all();
        }
    });
}

backend::~backend() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    {
        std::lock_guard lock(mutex_);
        for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
}

void backend::serve(int fd, size_t index) {
    auto note = [&](auto&& f) {
        std::lock_guard lock(mutex_);
        f(conns_[index]);
        cv_.notify_all();
    };
    if (opt_.expect_proxy) {
        // v1 ends with CRLF; v2 has a 16-byte fixed part with the length of the rest.
        std::string head;
        if (read_exact(fd, head, 12, 5s)) {
            if (head.starts_with("PROXY ")) {
                while (!head.ends_with("\r\n") && head.size() < 108 && read_exact(fd, head, head.size() + 1, 5s)) {
                }
            } else if (read_exact(fd, head, 16, 5s)) {
                const size_t len = (static_cast<uint8_t>(head[14]) << 8) | static_cast<uint8_t>(head[15]);
                read_exact(fd, head, 16 + len, 5s);
            }
        }
        note([&](backend_conn& c) { c.proxy_header = head; });
    }
    if (!opt_.greeting.empty()) ::send(fd, opt_.greeting.data(), opt_.greeting.size(), MSG_NOSIGNAL);
    char buf[65536];
    for (;;) {
        ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r <= 0) break;
        note([&](backend_conn& c) { c.received.append(buf, static_cast<size_t>(r)); });
        if (opt_.echo) {
            size_t done = 0;
            while (done < static_cast<size_t>(r)) {
                ssize_t w = ::send(fd, buf + done, static_cast<size_t>(r) - done, MSG_NOSIGNAL);
                if (w <= 0) break;
                done += static_cast<size_t>(w);
            }
        }
    }
    ::shutdown(fd, SHUT_WR);
    note([&](backend_conn& c) { c.closed = true; });
}

bool backend::wait_connections(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return conns_.size() >= n; });
}

bool backend::wait_received(size_t i, size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout,
                        [&] { return conns_.size() > i && (conns_[i].received.size() >= n || conns_[i].closed); });
}

bool backend::wait_closed(size_t i, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return conns_.size() > i && conns_[i].closed; });
}

backend_conn backend::conn(size_t i) {
    std::lock_guard lock(mutex_);
    return i < conns_.size() ? conns_[i] : backend_conn{};
}

size_t backend::connections() {
    std::lock_guard lock(mutex_);
    return conns_.size();
}

// ------------------------------------------------------------------------------------------------ snapshots

namespace {

class test_rule : public rules::compiled_rule {
public:
    explicit test_rule(std::string host) : host_(std::move(host)) { is_catch_all = host_ == "*"; }
    bool matches(const rules::conn_facts& f) const override {
        if (host_ == "*") return true;
        if (host_ == "throw") throw std::runtime_error("a rule that throws (test)");
        if (host_.starts_with("ip:")) return f.client_ip.to_string().starts_with(host_.substr(3));
        return f.tls && f.sni == host_;
    }
    std::vector<std::string> explain(const rules::conn_facts&) const override { return {}; }

private:
    std::string host_;
};

}  // namespace

std::shared_ptr<const rules::compiled_rule> rule_sni(std::string host) {
    return std::make_shared<test_rule>(std::move(host));
}

namespace {
/// Every test service gets its own balancer slot; snapshots size the workers' cursors to cover them all.
uint32_t next_service_index = 0;
}  // namespace

std::shared_ptr<runtime::service_plan> make_service(std::string name, const std::vector<std::string>& addresses,
                                                    int proxy_version) {
    auto s = std::make_shared<runtime::service_plan>();
    s->name = std::move(name);
    s->index = next_service_index++;
    for (const auto& a : addresses) {
        runtime::server_plan p;
        p.address = a;
        auto hp = parse_host_port(a);
        p.host = hp->host;
        p.port = hp->port;
        s->servers.push_back(p);
    }
    s->proxy_protocol_version = proxy_version;
    s->dial_timeout = 2s;
    s->termination_delay = 100ms;
    return s;
}

runtime::route make_route(std::string router, std::shared_ptr<const rules::compiled_rule> rule, bool tls,
                          std::shared_ptr<const runtime::service_plan> service) {
    runtime::route r;
    r.router = std::move(router);
    r.rule = std::move(rule);
    r.tls = tls;
    r.passthrough = tls;
    r.service = std::move(service);
    return r;
}

std::shared_ptr<const runtime::snapshot> make_snapshot(const std::string& entry_point,
                                                       std::vector<runtime::route> tls_routes,
                                                       std::vector<runtime::route> tcp_routes, uint64_t generation) {
    auto s = std::make_shared<runtime::snapshot>();
    s->generation = generation;
    s->service_count = next_service_index;
    auto& t = s->entry_points[entry_point];
    t.name = entry_point;
    t.decides_without_bytes = tls_routes.empty() && !tcp_routes.empty();
    t.mixed = !tls_routes.empty() && !tcp_routes.empty();
    t.tls_routes = std::move(tls_routes);
    t.tcp_routes = std::move(tcp_routes);
    return s;
}

uint64_t ended(telemetry::registry& counters, const std::string& ep, telemetry::outcome o) {
    return counters.outcomes(ep).read(o);
}

running_server::running_server(std::function<void(config::entry_point&)> tweak, int threads,
                               std::function<void(config::static_config&)> statics_tweak) {
    port = free_port();
    config::entry_point ep;
    ep.address = "127.0.0.1:" + std::to_string(port);
    ep.listen = {"127.0.0.1", port};
    ep.read_timeout = 5s;
    ep.server_first_wait = 200ms;
    if (tweak) tweak(ep);
    statics.entry_points["ep"] = ep;
    statics.threads = threads;
    if (statics_tweak) statics_tweak(statics);
    srv = std::make_unique<forwarder::server>(statics, counters, nullptr);  // counters has a shard per thread
    srv->start();
}

running_server::~running_server() { srv->stop(1s); }

void running_server::publish_and_settle(std::shared_ptr<const runtime::snapshot> s) {
    srv->publish(std::move(s));
    srv->wait_published(5s);
}

}  // namespace sy::test
