#include "health/probe.hpp"

#include <array>
#include <memory>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "base/address.hpp"
#include "base/concat.hpp"
#include "base/name_resolver.hpp"
#include "telemetry/log_exception.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::health {

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
constexpr auto token = net::as_tuple(net::use_awaitable);

/// The socket and a deadline that cancels it, shared with the timer's handler so that a late expiry never touches
/// a socket that is gone.
struct probe_io {
    explicit probe_io(const net::any_io_executor& ex) : socket(ex), timer(ex) {}
    tcp::socket socket;
    net::steady_timer timer;
    bool expired = false;

    static void arm(const std::shared_ptr<probe_io>& io, duration limit) {
        io->expired = false;
        io->timer.expires_after(limit);
        io->timer.async_wait([io](error_code ec) {
            if (ec) return;
            io->expired = true;
            error_code ignored;
            io->socket.cancel(ignored);
        });
    }
};

std::string what_failed(const probe_io& io, const error_code& ec, duration limit) {
    return io.expired ? "no answer within " + format_duration(limit) : ec.message();
}

/// Politeness after a probe that passed, bounded by `limit`, never changing the result: read the rest of the greeting
/// (Postfix's postscreen counts a command sent before its greeting ends as a PREGREET violation), say `bye`, and let
/// the server close first.
net::awaitable<void> say_goodbye(std::shared_ptr<probe_io> io, std::string said, std::string_view bye, duration limit);

}  // namespace

std::string_view goodbye_for(std::string_view greeting) {
    if (greeting.starts_with("220")) return "QUIT\r\n";                      // SMTP
    if (greeting.starts_with("+OK")) return "QUIT\r\n";                      // POP3
    if (greeting.starts_with("* OK") || greeting.starts_with("* PREAUTH"))  // IMAP
        return "A1 LOGOUT\r\n";
    if (greeting.starts_with("\"")) return "LOGOUT\r\n";  // ManageSieve: "IMPLEMENTATION" "Dovecot Pigeonhole"
    return {};
}

bool greeting_complete(std::string_view said) {
    const auto end = said.rfind('\n');
    if (end == std::string_view::npos) return false;
    const std::string_view lines = said.substr(0, end + 1);
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    // Every complete line, looking for the one that ends the greeting.
    size_t from = 0;
    while (from < lines.size()) {
        const size_t eol = lines.find('\n', from);
        const std::string_view line = lines.substr(from, eol - from);
        from = eol + 1;
        if (said.size() >= 3 && is_digit(said[0]) && is_digit(said[1]) && is_digit(said[2])) {
            // SMTP: "220-..." lines continue, "220 ..." ends it.
            if (line.size() >= 4 && line[3] != '-') return true;
            if (line.size() == 3 || (line.size() == 4 && line[3] == '\r')) return true;
        } else if (said.starts_with("\"")) {
            if (line.starts_with("OK")) return true;  // ManageSieve: capabilities, then OK
        } else {
            return true;  // IMAP, POP3: one line
        }
    }
    return false;
}

std::string printable(std::string_view bytes, size_t limit) {
    std::string out;
    for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c < 0x20 || c >= 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else
            out += static_cast<char>(c);
    }
    if (bytes.size() > limit) out += "...";
    return out;
}

net::awaitable<probe_result> probe_once(const runtime::probe_target& t) {
    const auto& check = t.check;
    const std::string target = format_host_port(t.host, t.port);
    auto io = std::make_shared<probe_io>(co_await net::this_coro::executor);
    probe_result out;

    std::vector<net::ip::address> addresses;
    error_code ec;
    if (auto ip = net::ip::make_address(t.host, ec); !ec) {
        addresses.push_back(ip);
    } else {
        auto found = co_await lookup_within(t.host, check.timeout);
        if (!found || found->addresses.empty()) {
            out.why = concat("connecting to ", target, ": ",
                             found ? found->error : "no address within " + format_duration(check.timeout));
            co_return out;
        }
        addresses = found->addresses;
    }

    // Traefik: the dial within `timeout`, then `timeout` again for the exchange.
    probe_io::arm(io, check.timeout);
    bool connected = false;
    for (const auto& a : addresses) {
        if (io->socket.is_open()) io->socket.close(ec);
        auto [cec] = co_await io->socket.async_connect(tcp::endpoint(a, t.port), token);
        if (!cec) {
            connected = true;
            break;
        }
        out.why = concat("connecting to ", target, ": ", what_failed(*io, cec, check.timeout));
        if (io->expired) break;
    }
    if (!connected) {
        io->timer.cancel();
        co_return out;
    }
    probe_io::arm(io, check.timeout);

    std::string hello;
    if (t.proxy_protocol_version) {
        std::array<std::byte, wire::max_proxy_header_write> header{};
        const size_t n = wire::write_proxy_local_header(t.proxy_protocol_version, header);
        hello.assign(reinterpret_cast<const char*>(header.data()), n);
    }
    hello += check.send;
    if (!hello.empty()) {
        auto [wec, n] = co_await net::async_write(io->socket, net::buffer(hello), token);
        if (wec) {
            out.why = concat("sending to ", target, ": ", what_failed(*io, wec, check.timeout));
            io->timer.cancel();
            co_return out;
        }
    }

    std::string said;
    if (!check.expect.empty()) {
        std::array<char, 512> buf;
        while (said.size() < check.expect.size()) {
            auto [rec, n] = co_await io->socket.async_read_some(net::buffer(buf), token);
            said.append(buf.data(), n);
            if (rec) {
                if (said.size() >= check.expect.size()) break;
                out.why = concat("reading from ", target, ": ",
                                 rec == net::error::eof ? std::string("closed by the server")
                                                        : what_failed(*io, rec, check.timeout),
                                 said.empty() ? "" : concat(" after \"", printable(said), "\""));
                io->timer.cancel();
                co_return out;
            }
            if (std::string_view(said).substr(0, check.expect.size()) !=
                std::string_view(check.expect).substr(0, said.size()))
                break;
        }
        if (!std::string_view(said).starts_with(check.expect)) {
            out.why = concat("unexpected health check response from ", target, ": \"", printable(said),
                             "\", expected \"", printable(check.expect), "\"");
            io->timer.cancel();
            co_return out;
        }
    }
    out.ok = true;
    io->timer.cancel();
    // The result counts now; the goodbye goes on beside the next steps so that its wait never delays a state change.
    if (const auto bye = goodbye_for(said); !bye.empty()) {
        const auto limit = std::min<duration>(check.timeout, std::chrono::seconds(1));
        net::co_spawn(co_await net::this_coro::executor, say_goodbye(io, std::move(said), bye, limit),
                      telemetry::log_exception(concat("health check of ", target, ": the goodbye")));
    }
    co_return out;
}

namespace {

net::awaitable<void> say_goodbye(std::shared_ptr<probe_io> io, std::string said, std::string_view bye, duration limit) {
    probe_io::arm(io, limit);
    std::array<char, 512> buf;
    bool complete = greeting_complete(said);
    for (int reads = 0; !complete && reads < 64; ++reads) {
        auto [rec, n] = co_await io->socket.async_read_some(net::buffer(buf), token);
        if (rec) break;
        said.append(buf.data(), n);
        complete = greeting_complete(said);
    }
    if (complete) {
        auto [wec, n] = co_await net::async_write(io->socket, net::buffer(bye.data(), bye.size()), token);
        for (int reads = 0; !wec && reads < 64; ++reads) {
            auto [rec, m] = co_await io->socket.async_read_some(net::buffer(buf), token);
            if (rec) break;
        }
    }
    io->timer.cancel();
    error_code ec;
    io->socket.close(ec);
}

}  // namespace

}  // namespace sy::health
