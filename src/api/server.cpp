// Copied idioms: Beast boost-1.81.0 example/http/server/awaitable (the rebind_executor default-token stream is
// replaced by explicit as_tuple(use_awaitable) tokens, which Asio 1.26 supports).
#include "api/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <list>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "api/routes.hpp"
#include "forwarder/accept_backoff.hpp"
#include "forwarder/listen_address.hpp"
#include "telemetry/log_exception.hpp"

#ifndef SY_VERSION
#define SY_VERSION "dev"
#endif

namespace sy::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto token = net::as_tuple(net::use_awaitable);
constexpr auto idle_timeout = std::chrono::seconds(30);

struct listener {
    std::string entry_point;
    std::string address;
    endpoints serve;
    std::unique_ptr<tcp::acceptor> acceptor;
};
}  // namespace

struct api_server::impl : std::enable_shared_from_this<impl> {
    net::any_io_executor ex;
    const config::static_config& statics;
    telemetry::registry& counters;
    std::string start_date = rfc3339_utc(std::chrono::system_clock::now());
    std::vector<listener> listeners;
    std::list<beast::tcp_stream*> sessions;  ///< touched only on the control thread
    std::atomic<bool> shutting_down{false};
    std::atomic<bool> stopped{false};
    mutable std::mutex snap_mutex;
    std::shared_ptr<const runtime::snapshot> snap;
    std::shared_ptr<const bans::ban_list_version> bans;  ///< under snap_mutex too
    telemetry::traffic_history history;  ///< sampled and read on the control thread only
    net::steady_timer sampler;

    impl(net::any_io_executor e, const config::static_config& s, telemetry::registry& c)
        : ex(std::move(e)), statics(s), counters(c), sampler(ex) {}

    /// The dashboard's charts: one sample now, then one every traffic_history::interval, until stop().
    void sample() {
        history.sample(counters, std::chrono::system_clock::now());
        sampler.expires_after(telemetry::traffic_history::interval);
        sampler.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec && !self->stopped) self->sample();
        });
    }

    std::shared_ptr<const runtime::snapshot> current() const {
        std::lock_guard lock(snap_mutex);
        return snap;
    }

    std::shared_ptr<const bans::ban_list_version> current_bans() const {
        std::lock_guard lock(snap_mutex);
        return bans;
    }

    net::awaitable<void> accept_loop(listener& l) {
        auto self = shared_from_this();
        for (;;) {
            auto [ec, socket] = co_await l.acceptor->async_accept(token);
            if (ec == net::error::operation_aborted || stopped) co_return;
            if (ec) {
                // Out of descriptors the accept fails at once and again: the forwarder's back-off, or this loop
                // would spin the control thread (providers, builder, /ping) exactly when descriptors run out.
                co_await forwarder::back_off_if_exhausted(ec, l.entry_point);
                continue;
            }
            forwarder::accept_succeeded(ex, l.entry_point);
            net::co_spawn(ex, session(beast::tcp_stream(std::move(socket)), l.serve),
                          [&name = l.entry_point](std::exception_ptr e) {
                              if (e) telemetry::log_ended_by(e, "entryPoint \"" + name + "\": an API connection");
                          });
        }
    }

    net::awaitable<void> session(beast::tcp_stream stream, endpoints serve) {
        auto self = shared_from_this();
        auto it = sessions.insert(sessions.end(), &stream);
        beast::flat_buffer buffer;
        for (;;) {
            stream.expires_after(idle_timeout);
            http::request<http::string_body> req;
            auto [rec, rn] = co_await http::async_read(stream, buffer, req, token);
            if (rec) break;

            route_context ctx{&statics, current(), &counters, shutting_down.load(), SY_VERSION, start_date, serve,
                              &history, current_bans()};
            http_response out = handle({std::string(req.method_string()), std::string(req.target())}, ctx);

            http::response<http::string_body> res{static_cast<http::status>(out.status), req.version()};
            res.set(http::field::server, "switchyard");
            if (!out.content_type.empty()) res.set(http::field::content_type, out.content_type);
            for (const auto& [k, v] : out.headers) res.set(k, v);
            res.keep_alive(req.keep_alive());
            res.body() = std::move(out.body);
            res.prepare_payload();

            // HEAD: the header of the GET answer, Content-Length included, and no body.
            http::serializer<false, http::string_body> sr{res};
            auto [wec, wn] = req.method() == http::verb::head ? co_await http::async_write_header(stream, sr, token)
                                                               : co_await http::async_write(stream, sr, token);
            if (wec || !res.keep_alive() || stopped) break;
        }
        sessions.erase(it);
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
};

api_server::api_server(net::any_io_executor ex, const config::static_config& statics, telemetry::registry& counters)
    : impl_(std::make_shared<impl>(std::move(ex), statics, counters)) {}

// The coroutines own the state (shared_ptr), so destroying the handle is safe; stop() ends them.
api_server::~api_server() = default;

void api_server::start() {
    const auto& s = impl_->statics;
    // Which entrypoint serves what; several features may share one.
    std::map<std::string, endpoints> wanted;
    // The same condition as the forwarder uses to leave this entrypoint to the API (forwarder/server.cpp).
    if (s.api.enabled && s.api.insecure) {
        wanted["traefik"].api = true;
        wanted["traefik"].dashboard = s.api.dashboard;
    }
    if (s.ping.enabled) wanted[s.ping.entry_point].ping = true;
    if (s.prometheus.enabled) wanted[s.prometheus.entry_point].metrics = true;

    auto eps = api_entry_points(s);
    for (const auto& [name, serve] : wanted) {
        auto it = eps.find(name);
        if (it == eps.end()) throw std::runtime_error("entryPoint \"" + name + "\" doesn't exist (used by the API, "
                                                      "ping or metrics)");
        const auto& ep = it->second;
        auto where = forwarder::resolve_listen_address(ep.listen);
        if (!where)
            throw std::runtime_error("entryPoint \"" + name + "\": cannot listen on \"" + ep.address +
                                     "\": " + where.error().to_string());
        const tcp::endpoint endpoint = where->endpoint;
        auto acceptor = std::make_unique<tcp::acceptor>(impl_->ex);
        beast::error_code ec;
        auto fail = [&](const char* what) {
            throw std::runtime_error("entryPoint \"" + name + "\": cannot " + what + " \"" + ep.address +
                                     "\": " + ec.message());
        };
        acceptor->open(endpoint.protocol(), ec);
        if (ec) fail("open");
        if (endpoint.address().is_v6()) acceptor->set_option(net::ip::v6_only(!where->dual_stack), ec);
        acceptor->set_option(net::socket_base::reuse_address(true), ec);
        acceptor->bind(endpoint, ec);
        if (ec) fail("bind");
        acceptor->listen(net::socket_base::max_listen_connections, ec);
        if (ec) fail("listen on");
        impl_->listeners.push_back(listener{name, ep.address, serve, std::move(acceptor)});
    }
    for (auto& l : impl_->listeners)
        net::co_spawn(impl_->ex, impl_->accept_loop(l),
                      telemetry::log_exception("entryPoint \"" + l.entry_point + "\": the API stopped accepting", true));
    if (s.api.enabled && s.api.insecure) net::dispatch(impl_->ex, [self = impl_] { self->sample(); });
}

void api_server::publish(std::shared_ptr<const runtime::snapshot> snap) {
    std::lock_guard lock(impl_->snap_mutex);
    impl_->snap = std::move(snap);
}

void api_server::publish_bans(std::shared_ptr<const bans::ban_list_version> bans) {
    std::lock_guard lock(impl_->snap_mutex);
    impl_->bans = std::move(bans);
}

void api_server::set_shutting_down() { impl_->shutting_down = true; }

void api_server::stop() {
    if (!impl_ || impl_->stopped) return;
    // Runs on the control thread: the session list is that thread's.
    net::dispatch(impl_->ex, [self = impl_] {
        self->stopped = true;
        beast::error_code ignored;
        for (auto& l : self->listeners) l.acceptor->close(ignored);
        for (auto* s : self->sessions) s->socket().close(ignored);
        self->sampler.cancel();
    });
}

unsigned short api_server::bound_port(const std::string& entry_point) const {
    for (const auto& l : impl_->listeners)
        if (l.entry_point == entry_point) {
            beast::error_code ec;
            auto ep = l.acceptor->local_endpoint(ec);
            return ec ? 0 : ep.port();
        }
    return 0;
}

}  // namespace sy::api
