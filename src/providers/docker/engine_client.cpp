#include "providers/docker/engine_client.hpp"

#include <array>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "base/tcp_keepalive.hpp"
#include "providers/docker/inspect.hpp"

namespace sy::providers::docker {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::awaitable;

namespace {

constexpr auto tok = net::as_tuple(net::use_awaitable);

using unix_stream = beast::basic_stream<net::local::stream_protocol>;
using tcp_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// One HTTP connection; the stream types differ only in how they connect.
struct connection {
    std::variant<std::monostate, std::unique_ptr<unix_stream>, std::unique_ptr<tcp_stream>, std::unique_ptr<tls_stream>> s;
    beast::flat_buffer buffer;
    bool open() const { return s.index() != 0; }
    /// Closes the socket but keeps the objects: an operation still pending completes (with an error) safely.
    void shutdown() {
        std::visit(
            [](auto& p) {
                if constexpr (!std::is_same_v<std::decay_t<decltype(p)>, std::monostate>) {
                    beast::error_code ignored;
                    beast::get_lowest_layer(*p).socket().close(ignored);
                }
            },
            s);
    }
    /// Closes and destroys; only when no operation is pending.
    void close() {
        shutdown();
        s = std::monostate{};
        buffer.clear();
    }
};

using header_list = std::vector<std::pair<std::string, std::string>>;

http::request<http::empty_body> make_get(const std::string& target, const header_list& headers) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "docker");  // mandatory: Go's server answers 400 without one (docker-api.md §1.2)
    req.set(http::field::user_agent, "switchyard");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.keep_alive(true);
    return req;
}

/// Errors that mean "the peer closed a kept-alive connection before answering": worth one retry.
bool closed_by_peer(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::error::broken_pipe || ec == http::error::partial_message;
}

template <class Stream>
awaitable<beast::error_code> write_request(Stream& s, const http::request<http::empty_body>& req) {
    auto [ec, n] = co_await http::async_write(s, req, tok);
    (void)n;
    co_return ec;
}

template <class Stream, class Parser>
awaitable<beast::error_code> read_message(Stream& s, beast::flat_buffer& b, Parser& p) {
    auto [ec, n] = co_await http::async_read(s, b, p, tok);
    (void)n;
    co_return ec;
}

template <class Stream, class Parser>
awaitable<beast::error_code> read_header(Stream& s, beast::flat_buffer& b, Parser& p) {
    auto [ec, n] = co_await http::async_read_header(s, b, p, tok);
    (void)n;
    co_return ec;
}

template <class Stream, class Parser>
awaitable<beast::error_code> read_some(Stream& s, beast::flat_buffer& b, Parser& p) {
    auto [ec, n] = co_await http::async_read_some(s, b, p, tok);
    (void)n;
    co_return ec;
}

/// Runs `f(stream)` on whichever stream the connection holds (a coroutine returning error_code).
template <class F>
awaitable<beast::error_code> on_stream(connection& c, F f) {
    switch (c.s.index()) {
    case 1: co_return co_await f(*std::get<1>(c.s));
    case 2: co_return co_await f(*std::get<2>(c.s));
    case 3: co_return co_await f(*std::get<3>(c.s));
    default: co_return beast::error_code(net::error::not_connected);
    }
}

void set_deadline(connection& c, duration timeout) {
    std::visit(
        [&](auto& p) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(p)>, std::monostate>) {
                if (timeout > duration::zero())
                    beast::get_lowest_layer(*p).expires_after(timeout);
                else
                    beast::get_lowest_layer(*p).expires_never();
            }
        },
        c.s);
}

}  // namespace

struct engine_client::impl {
    net::any_io_executor ex;
    engine_endpoint ep;
    duration timeout;
    std::string label = "docker";  ///< what messages name: "docker GET /events: ..."
    header_list headers;
    std::optional<net::ssl::context> ssl;
    std::string ssl_error;  ///< why the TLS context could not be set up (reported on each connect)
    connection requests;
    connection stream;
    std::unique_ptr<http::response_parser<http::buffer_body>> stream_parser;
    std::array<char, 16384> stream_chunk{};

    impl(net::any_io_executor e, engine_endpoint endpoint, const std::optional<config::docker_tls>& tls, duration t,
         const std::string& tls_key)
        : ex(std::move(e)), ep(std::move(endpoint)), timeout(t > duration::zero() ? t : std::chrono::seconds(15)) {
        if (ep.kind == engine_endpoint::transport::tcp && ep.https) setup_tls(tls, tls_key);
    }

    void setup_tls(const std::optional<config::docker_tls>& tls, const std::string& key) {
        ssl.emplace(net::ssl::context::tls_client);
        ssl->set_options(net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
        beast::error_code ec;
        const bool verify = !tls || !tls->insecure_skip_verify;
        if (verify) {
            if (tls && !tls->ca.empty())
                ssl->load_verify_file(tls->ca, ec);
            else
                ssl->set_default_verify_paths(ec);
            if (ec) ssl_error = key + ".ca: " + ec.message();
            ssl->set_verify_mode(net::ssl::verify_peer);
            ssl->set_verify_callback(net::ssl::host_name_verification(ep.host));
        } else {
            ssl->set_verify_mode(net::ssl::verify_none);
        }
        if (tls && !tls->cert.empty()) {
            ssl->use_certificate_chain_file(tls->cert, ec);
            if (ec) ssl_error = key + ".cert: " + ec.message();
        }
        if (tls && !tls->key.empty()) {
            ssl->use_private_key_file(tls->key, net::ssl::context::pem, ec);
            if (ec) ssl_error = key + ".key: " + ec.message();
        }
    }

    awaitable<result<void>> connect(connection& c) {
        c.close();
        const std::string where = label + " " + ep.text;
        if (ep.kind == engine_endpoint::transport::unix_socket) {
            auto s = std::make_unique<unix_stream>(ex);
            s->expires_after(timeout);
            auto [ec] = co_await s->async_connect(net::local::stream_protocol::endpoint(ep.path), tok);
            if (ec) co_return diagnostic{where, "cannot connect: " + ec.message()};
            c.s = std::move(s);
            co_return result<void>{};
        }
        if (!ssl_error.empty()) co_return diagnostic{where, ssl_error};
        net::ip::tcp::resolver resolver(ex);
        auto [rec, endpoints] = co_await resolver.async_resolve(ep.host, std::to_string(ep.port), tok);
        if (rec) co_return diagnostic{where, "cannot resolve " + ep.host + ": " + rec.message()};
        if (!ssl) {
            auto s = std::make_unique<tcp_stream>(ex);
            s->expires_after(timeout);
            auto [ec, e] = co_await s->async_connect(endpoints, tok);
            (void)e;
            if (ec) co_return diagnostic{where, "cannot connect: " + ec.message()};
            // The events stream may stay silent for hours: TCP keep-alive notices a peer that vanished.
            set_tcp_keep_alive(s->socket().native_handle(), go_keep_alive, go_keep_alive, go_keep_alive_probes);
            c.s = std::move(s);
            co_return result<void>{};
        }
        auto s = std::make_unique<tls_stream>(ex, *ssl);
        beast::get_lowest_layer(*s).expires_after(timeout);
        auto [ec, e] = co_await beast::get_lowest_layer(*s).async_connect(endpoints, tok);
        (void)e;
        if (ec) co_return diagnostic{where, "cannot connect: " + ec.message()};
        set_tcp_keep_alive(beast::get_lowest_layer(*s).socket().native_handle(), go_keep_alive, go_keep_alive,
                           go_keep_alive_probes);
        if (!SSL_set_tlsext_host_name(s->native_handle(), ep.host.c_str()))
            co_return diagnostic{where, "cannot set the TLS server name"};
        auto [hec] = co_await s->async_handshake(net::ssl::stream_base::client, tok);
        if (hec) co_return diagnostic{where, "TLS handshake failed: " + hec.message()};
        c.s = std::move(s);
        co_return result<void>{};
    }
};

engine_client::engine_client(net::any_io_executor ex, engine_endpoint ep, std::optional<config::docker_tls> tls,
                             duration timeout, std::string tls_key)
    : endpoint_(ep), impl_(std::make_unique<impl>(std::move(ex), std::move(ep), tls, timeout, tls_key)) {}

engine_client::~engine_client() = default;

awaitable<result<http_answer>> engine_client::get(std::string target) {
    auto& c = impl_->requests;
    const std::string where = impl_->label + " GET " + target.substr(0, target.find('?'));
    const auto req = make_get(target, impl_->headers);
    for (int attempt = 0;; ++attempt) {
        const bool reused = c.open();
        if (!reused) {
            auto r = co_await impl_->connect(c);
            if (!r) co_return r.error();
        }
        set_deadline(c, impl_->timeout);
        auto ec = co_await on_stream(c, [&](auto& s) { return write_request(s, req); });
        if (ec) {
            c.close();
            if (reused && attempt == 0) continue;
            co_return diagnostic{where, ec.message()};
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(64u << 20);  // a list of thousands of containers stays far below this
        ec = co_await on_stream(c, [&](auto& s) { return read_message(s, c.buffer, parser); });
        if (ec) {
            c.close();
            if (reused && attempt == 0 && closed_by_peer(ec)) continue;
            co_return diagnostic{where, ec == beast::error::timeout ? "no answer in time" : ec.message()};
        }
        auto& res = parser.get();
        http_answer a;
        a.status = res.result_int();
        a.date = std::string(res[http::field::date]);
        a.api_version = std::string(res["Api-Version"]);
        a.body = std::move(res.body());
        if (!res.keep_alive()) c.close();
        co_return a;
    }
}

awaitable<result<void>> engine_client::open_stream(std::string target) {
    auto& c = impl_->stream;
    const std::string where = impl_->label + " GET " + target.substr(0, target.find('?'));
    auto r = co_await impl_->connect(c);
    if (!r) co_return r.error();
    set_deadline(c, impl_->timeout);
    const auto req = make_get(target, impl_->headers);
    auto ec = co_await on_stream(c, [&](auto& s) { return write_request(s, req); });
    if (ec) co_return diagnostic{where, ec.message()};
    impl_->stream_parser = std::make_unique<http::response_parser<http::buffer_body>>();
    auto& parser = *impl_->stream_parser;
    parser.body_limit(boost::none);
    ec = co_await on_stream(c, [&](auto& s) { return read_header(s, c.buffer, parser); });
    if (ec) {
        c.close();
        co_return diagnostic{where, ec.message()};
    }
    if (parser.get().result_int() != 200) {
        // Read what the daemon says (bounded), then give up on this connection.
        std::string body;
        while (!parser.is_done() && body.size() < 4096) {
            parser.get().body().data = impl_->stream_chunk.data();
            parser.get().body().size = impl_->stream_chunk.size();
            ec = co_await on_stream(c, [&](auto& s) { return read_some(s, c.buffer, parser); });
            body.append(impl_->stream_chunk.data(), impl_->stream_chunk.size() - parser.get().body().size);
            if (ec && ec != http::error::need_buffer) break;
        }
        const unsigned status = parser.get().result_int();
        c.close();
        co_return diagnostic{where, "HTTP " + std::to_string(status) + ": " + parse_error_message(body)};
    }
    set_deadline(c, duration::zero());
    co_return result<void>{};
}

awaitable<result<engine_client::stream_read>> engine_client::read_stream(duration silence) {
    auto& c = impl_->stream;
    if (!c.open() || !impl_->stream_parser) co_return diagnostic{"docker events", "the stream is not open"};
    auto& parser = *impl_->stream_parser;
    if (parser.is_done()) co_return diagnostic{"docker events", "the daemon ended the stream"};
    parser.get().body().data = impl_->stream_chunk.data();
    parser.get().body().size = impl_->stream_chunk.size();
    set_deadline(c, silence);  // on expiry Beast closes the socket: this read ends with `timeout`
    auto ec = co_await on_stream(c, [&](auto& s) { return read_some(s, c.buffer, parser); });
    if (ec == http::error::need_buffer) ec = {};  // our chunk buffer is full: normal
    stream_read out;
    out.bytes.assign(impl_->stream_chunk.data(), impl_->stream_chunk.size() - parser.get().body().size);
    if (ec && out.bytes.empty()) {
        c.close();
        if (ec == beast::error::timeout) {
            out.silent = true;
            co_return out;
        }
        // partial_message = the daemon went away without the terminating chunk (its normal way to stop, §2.5).
        co_return diagnostic{"docker events", ec == http::error::partial_message ? "the daemon closed the stream"
                                                                                   : ec.message()};
    }
    co_return out;
}

void engine_client::set_identity(std::string label, header_list headers) {
    impl_->label = std::move(label);
    impl_->headers = std::move(headers);
}

void engine_client::close() {
    impl_->requests.shutdown();
    impl_->stream.shutdown();
}

}  // namespace sy::providers::docker
