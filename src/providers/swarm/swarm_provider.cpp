#include "providers/swarm/swarm_provider.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "providers/docker/constraints.hpp"
#include "providers/docker/endpoint.hpp"
#include "providers/docker/engine_client.hpp"
#include "providers/docker/events.hpp"
#include "providers/docker/watch_support.hpp"
#include "providers/swarm/swarm_config.hpp"
#include "providers/swarm/swarm_events.hpp"
#include "providers/swarm/swarm_parse.hpp"

namespace sy::providers::swarm {

namespace net = boost::asio;
using net::awaitable;
using namespace std::chrono_literals;
using docker::engine_client;

namespace {

constexpr auto tok = net::as_tuple(net::use_awaitable);
constexpr auto fast_interval = 500ms;
constexpr auto fast_window = 5s;

int64_t now_nanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class watcher {
public:
    watcher(net::any_io_executor ex, config::swarm_provider cfg, docker::engine_endpoint ep, providers::sink sink)
        : ex_(ex), cfg_(std::move(cfg)),
          client_(ex, std::move(ep), cfg_.tls, cfg_.http_client_timeout, "providers.swarm.tls"),
          sink_(std::move(sink)), wake_(ex), reader_exit_(ex) {
        docker::set_build_options(cfg_, "swarm", options_, constraints_);
    }

    /// One connected period: refresh, then wait for the poll timer or an event, until something fails.
    awaitable<result<void>> session() {
        auto engine = co_await docker::open_engine_session(client_);
        if (!engine) co_return engine.error();
        prefix_ = engine->prefix;
        const bool scope_filter = engine->api >= docker::api_version{1, 29};  // Docker 17.06 (as Traefik)
        networks_query_ = prefix_ + "/networks?filters=" +
                          docker::percent_encode(scope_filter ? R"({"scope":["swarm"]})" : R"({"driver":["overlay"]})");
        stream_error_.reset();
        event_pending_ = false;
        if (cfg_.watch) {
            // Subscribed before the first list, one second back on the daemon's clock, as the Docker provider does.
            auto since = std::to_string(docker::unix_seconds(engine->ping_date) - 1);
            auto opened = co_await client_.open_stream(prefix_ + "/events?since=" + since + "&filters=" +
                                                       docker::percent_encode(swarm_events_filters_json()));
            if (!opened) co_return opened.error();
            reader_running_ = true;
            net::co_spawn(ex_, read_events(), net::detached);
        }
        auto fast_until = std::chrono::steady_clock::now();
        for (bool first = true;; first = false) {
            const int64_t cause = event_time_;
            event_time_ = 0;
            auto r = co_await refresh(cause);
            if (!r) co_return r.error();
            if (first && !up_) {
                spdlog::info("swarm: connected to Docker {} at {} (API {}), {} service(s), {} running task(s)",
                             engine->version.version, client_.endpoint().text, engine->api.to_string(),
                             services_seen_, tasks_seen_);
                up_ = true;
            }
            if (!cfg_.watch) co_return result<void>{};
            if (changed_) fast_until = std::chrono::steady_clock::now() + fast_window;
            const bool fast = settling_ || std::chrono::steady_clock::now() < fast_until;
            if (!event_pending_ && !stream_error_) {
                wake_.expires_after(fast ? duration(fast_interval) : cfg_.refresh_seconds);
                co_await wake_.async_wait(tok);  // expiry, or cancelled by read_events()
            }
            if (stream_error_) co_return *stream_error_;
            if (event_pending_) {
                event_pending_ = false;
                fast_until = std::chrono::steady_clock::now() + fast_window;
            }
        }
    }

    void lost(const diagnostic& why) {
        if (up_ || first_failure_) {
            spdlog::warn("swarm: {}; keeping the last configuration and retrying", why.to_string());
            up_ = false;
            first_failure_ = false;
        } else {
            spdlog::debug("swarm: still unreachable: {}", why.to_string());
        }
    }

    /// Closes the connections and waits until the events reader has seen it, so the next session can reopen them.
    awaitable<void> close() {
        client_.close();
        while (reader_running_) {
            reader_exit_.expires_after(std::chrono::hours(1));
            co_await reader_exit_.async_wait(tok);
        }
    }

private:
    /// Reads the events stream; a relevant event wakes the poll loop at once. The stream is read on its own so
    /// that the daemon never waits on us (it drops events for a subscriber that is 100 ms late).
    awaitable<void> read_events() {
        docker::line_splitter lines;
        for (;;) {
            // No silence bound: the poll loop (pollInterval) already notices a daemon that is gone.
            auto bytes = co_await client_.read_stream(duration::zero());
            if (!bytes) {
                stream_error_ = bytes.error();
                break;
            }
            if (!lines.feed(bytes->bytes)) {
                stream_error_ = diagnostic{"docker events", "an event longer than 1 MiB"};
                break;
            }
            bool wake = false;
            while (auto line = lines.next()) {
                auto e = docker::parse_event(*line);
                if (!e || !asks_for_refresh(*e)) continue;
                if (auto change = task_container_event(*e)) {
                    if (change->failure.empty())
                        failing_.erase(change->task_id);
                    else
                        failing_[change->task_id] = change->failure;
                }
                wake = true;
                if (event_time_ == 0) {
                    event_time_ = e->time_nano;
                    event_what_ = e->type + " " + e->action + " of " +
                                  (e->attributes.contains("name") ? e->attributes.at("name") : e->actor_id.substr(0, 12));
                }
            }
            if (wake) {
                event_pending_ = true;
                wake_.cancel();
            }
        }
        reader_running_ = false;
        wake_.cancel();
        reader_exit_.cancel();
    }

    awaitable<result<void>> refresh(int64_t cause) {
        auto services = co_await docker::get_ok(client_, prefix_ + "/services", "/services");
        if (!services) co_return services.error();
        auto tasks = co_await docker::get_ok(
            client_, prefix_ + "/tasks?filters=" + docker::percent_encode(R"({"desired-state":["running"]})"), "/tasks");
        if (!tasks) co_return tasks.error();
        auto nodes = co_await docker::get_ok(client_, prefix_ + "/nodes", "/nodes");
        if (!nodes) co_return nodes.error();
        auto networks = co_await docker::get_ok(client_, networks_query_, "/networks");
        if (!networks) co_return networks.error();

        swarm_state state;
        auto s = parse_services(*services);
        if (!s) co_return s.error();
        auto t = parse_tasks(*tasks);
        if (!t) co_return t.error();
        auto n = parse_nodes(*nodes);
        if (!n) co_return n.error();
        auto w = parse_networks(*networks);
        if (!w) co_return w.error();
        state.services = std::move(*s);
        state.tasks = std::move(*t);
        state.nodes = std::move(*n);
        state.networks = std::move(*w);
        // Failing tasks are remembered while the manager still lists them (desired state running), then forgotten.
        std::erase_if(failing_, [&](const auto& f) {
            return std::none_of(state.tasks.begin(), state.tasks.end(), [&](const task& t) { return t.id == f.first; });
        });
        state.failing = failing_;
        services_seen_ = state.services.size();
        tasks_seen_ = 0;
        for (const auto& task : state.tasks) tasks_seen_ += task_is_routable(task) ? 1 : 0;

        auto built = build_swarm_message(state, options_);
        settling_ = built.settling;
        log_.report("swarm", built.notes, built.message.findings);
        changed_ = !last_ || last_->config != built.message.config || last_->findings != built.message.findings;
        if (!changed_) co_return result<void>{};
        last_ = built.message;
        sink_(std::move(built.message));
        if (cause > 0)
            spdlog::debug("swarm: configuration pushed {:.1f} ms after event \"{}\"",
                          static_cast<double>(now_nanos() - cause) / 1e6, event_what_);
        co_return result<void>{};
    }

    net::any_io_executor ex_;
    config::swarm_provider cfg_;
    engine_client client_;
    providers::sink sink_;
    net::steady_timer wake_, reader_exit_;
    docker::build_options options_;
    docker::constraint constraints_;
    std::string prefix_, networks_query_;
    std::optional<config::provider_message> last_;
    docker::findings_log log_;
    std::optional<diagnostic> stream_error_;
    std::map<std::string, std::string> failing_;  ///< task ID -> failure, from the task containers' events
    bool event_pending_ = false;
    int64_t event_time_ = 0;
    std::string event_what_;
    bool reader_running_ = false;
    bool settling_ = false;
    bool changed_ = false;
    bool up_ = false;
    bool first_failure_ = true;
    size_t services_seen_ = 0, tasks_seen_ = 0;
};

}  // namespace

awaitable<void> run_swarm_provider(config::swarm_provider cfg, providers::sink sink) {
    auto ex = co_await net::this_coro::executor;
    const char* docker_host = std::getenv("DOCKER_HOST");
    auto ep = docker::parse_endpoint(docker::choose_endpoint(cfg.endpoint, docker_host), cfg.tls.has_value());
    if (!ep) {
        spdlog::error("swarm: {}", ep.error().to_string());
        co_return;
    }
    const bool watch = cfg.watch;
    watcher w(ex, std::move(cfg), *ep, std::move(sink));
    co_await docker::run_sessions(w, watch);
}

}  // namespace sy::providers::swarm
