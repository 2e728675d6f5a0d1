#include "providers/docker/docker_provider.hpp"

#include "base/name_resolver.hpp"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "providers/docker/api_version.hpp"
#include "providers/docker/engine_client.hpp"
#include "providers/docker/events.hpp"
#include "providers/docker/inspect.hpp"
#include "providers/docker/provider_config.hpp"
#include "providers/docker/watch_support.hpp"

namespace sy::providers::docker {

namespace net = boost::asio;
using net::awaitable;
using namespace std::chrono_literals;

namespace {

constexpr auto tok = net::as_tuple(net::use_awaitable);

/// Network-mode-host containers are reached at host.docker.internal (Docker Desktop) or host.containers.internal
/// (Podman) when either resolves, as Traefik does; else 127.0.0.1. Each lookup gets 500 ms at most: it runs on the
/// process's resolver thread (base/name_resolver.hpp), so a stuck resolver costs the watch that long and no more.
awaitable<std::string> host_gateway_address() {
    for (const char* name : {"host.docker.internal", "host.containers.internal"}) {
        auto answer = co_await lookup_within(name, 500ms);
        if (answer && !answer->addresses.empty()) co_return answer->addresses.front().to_string();
    }
    co_return "127.0.0.1";
}

std::string short_id(std::string_view id) { return std::string(id.substr(0, 12)); }

class watcher {
public:
    watcher(net::any_io_executor ex, config::docker_provider cfg, engine_endpoint ep, providers::sink sink)
        : cfg_(std::move(cfg)), client_(ex, std::move(ep), cfg_.tls, cfg_.http_client_timeout), sink_(std::move(sink)) {
        set_build_options(cfg_, "docker", options_, constraints_);
    }

    /// One connected period: resync, then follow events until the stream breaks.
    awaitable<result<void>> session() {
        auto engine = co_await open_engine_session(client_);
        if (!engine) co_return engine.error();
        prefix_ = engine->prefix;
        const auto& version = engine->version;
        const auto& api = engine->api;

        if (cfg_.watch) {
            // Subscribe before listing, one second back on the daemon's clock: the daemon registers the subscriber
            // only after it flushed the headers, and `since` replays what happened in between (docker-api.md §6).
            auto since = std::to_string(unix_seconds(engine->ping_date) - 1);
            auto opened = co_await client_.open_stream(prefix_ + "/events?since=" + since +
                                                       "&filters=" + percent_encode(events_filters_json()));
            if (!opened) co_return opened.error();
        }
        auto list = co_await get_ok(client_, prefix_ + "/containers/json?all=1", "/containers/json");
        if (!list) co_return list.error();
        auto ids = parse_container_ids(*list);
        if (!ids) co_return ids.error();
        containers_.clear();
        for (const auto& id : *ids) {
            auto r = co_await refresh(id);
            if (!r) co_return r.error();
        }
        host_resolved_ = false;
        co_await ensure_host_address();
        if (!up_) {
            spdlog::info("docker: connected to {} {} at {} (API {}{}), {} container(s)",
                         version.podman ? "Podman" : "Docker", version.version, client_.endpoint().text,
                         api.to_string(), version.podman ? ", Podman compatibility" : "", containers_.size());
            up_ = true;
        }
        push(nullptr);
        if (!cfg_.watch) co_return result<void>{};

        line_splitter lines;
        for (;;) {
            auto got = co_await client_.read_stream(cfg_.events_silence);
            if (!got) co_return got.error();
            if (got->silent) {
                auto resumed = co_await resume_events();
                if (!resumed) co_return resumed.error();
                lines = line_splitter{};  // a line cut short by the silence is replayed whole
                continue;
            }
            if (!lines.feed(got->bytes)) co_return diagnostic{"docker events", "an event longer than 1 MiB"};
            std::set<std::string> dirty;
            std::optional<event> newest;
            while (auto line = lines.next()) {
                auto e = parse_event(*line);
                if (!e) {
                    spdlog::debug("docker: {}", e.error().to_string());
                    continue;
                }
                if (auto id = container_to_refresh(*e)) {
                    dirty.insert(*id);
                    // The log names the newest container event of the batch (network events name the network).
                    if (!newest || (e->type != "network" && e->time_nano >= newest->time_nano) || newest->type == "network")
                        newest = std::move(*e);
                }
            }
            if (dirty.empty()) continue;
            for (const auto& id : dirty) {
                auto r = co_await refresh(id);
                if (!r) co_return r.error();
            }
            co_await ensure_host_address();
            push(newest ? &*newest : nullptr);
        }
    }

    /// The events stream said nothing for events_silence, which an idle daemon does for hours, and so does one
    /// whose host vanished without closing the connection. A daemon that answers /_ping is there: the stream is
    /// reopened from one second before the silence began (the daemon replays what happened since, as on connect).
    /// One that does not ends the session: the caller keeps the routes and reconnects with back-off.
    awaitable<result<void>> resume_events() {
        const std::string silent = "docker events: silent for " + format_duration(cfg_.events_silence);
        auto ping = co_await client_.get("/_ping");
        if (!ping) co_return diagnostic{silent, "and /_ping failed: " + ping.error().to_string()};
        if (ping->status != 200)
            co_return diagnostic{silent, "and /_ping answered HTTP " + std::to_string(ping->status)};
        const auto back = std::chrono::duration_cast<std::chrono::seconds>(cfg_.events_silence).count() + 1;
        auto since = std::to_string(unix_seconds(ping->date) - back);
        auto opened = co_await client_.open_stream(prefix_ + "/events?since=" + since +
                                                   "&filters=" + percent_encode(events_filters_json()));
        if (!opened) co_return opened.error();
        spdlog::debug("docker: the events stream was silent for {}; the daemon answers, stream reopened",
                      format_duration(cfg_.events_silence));
        co_return result<void>{};
    }

    /// The session ended: say so once, keep every route (nothing is pushed while down).
    void lost(const diagnostic& why) {
        if (up_ || first_failure_) {
            spdlog::warn("docker: {}; keeping the last configuration and retrying", why.to_string());
            up_ = false;
            first_failure_ = false;
        } else {
            spdlog::debug("docker: still unreachable: {}", why.to_string());
        }
    }

    awaitable<void> close() {
        client_.close();
        co_return;
    }

private:
    /// Resolves the host-mode address once per session, and only when a host-mode container exists: a lookup
    /// that has to wait for an unreachable DNS server must not delay every other container's routes.
    awaitable<void> ensure_host_address() {
        if (host_resolved_) co_return;
        for (const auto& [id, c] : containers_)
            if (c.network_mode == "host") {
                options_.host_address = co_await host_gateway_address();
                host_resolved_ = true;
                co_return;
            }
    }

    /// Re-inspects one container: 404 means it is gone.
    awaitable<result<void>> refresh(const std::string& id) {
        auto answer = co_await client_.get(prefix_ + "/containers/" + percent_encode(id) + "/json");
        if (!answer) co_return answer.error();
        if (auto why = apply_inspect(containers_, id, answer->status, answer->body))
            spdlog::warn("docker: inspecting container {}: {}", short_id(id), *why);
        co_return result<void>{};
    }

    /// Builds the whole configuration and hands it on when it differs from the last one pushed.
    void push(const event* cause) {
        auto built = build_provider_message(containers_, options_);
        log_.report("docker", built.notes, built.message.findings);
        if (last_ && last_->config == built.message.config && last_->findings == built.message.findings &&
            last_->docker_gateways == built.message.docker_gateways)
            return;
        last_ = built.message;
        sink_(std::move(built.message));
        if (cause && cause->time_nano > 0) {
            auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
            auto name = cause->attributes.contains("name") ? cause->attributes.at("name") : short_id(cause->actor_id);
            spdlog::debug("docker: configuration pushed {:.1f} ms after event \"{}\" of {}",
                          static_cast<double>(now - cause->time_nano) / 1e6, cause->action, name);
        }
    }

    config::docker_provider cfg_;
    engine_client client_;
    providers::sink sink_;
    build_options options_;
    constraint constraints_;
    std::string prefix_;
    std::map<std::string, container> containers_;
    std::optional<config::provider_message> last_;
    findings_log log_;
    bool host_resolved_ = false;
    bool up_ = false;
    bool first_failure_ = true;
};

}  // namespace

awaitable<void> run_docker_provider(config::docker_provider cfg, providers::sink sink) {
    auto ex = co_await net::this_coro::executor;
    const char* docker_host = std::getenv("DOCKER_HOST");
    auto ep = parse_endpoint(choose_endpoint(cfg.endpoint, docker_host), cfg.tls.has_value());
    if (!ep) {
        spdlog::error("docker: {}", ep.error().to_string());
        co_return;
    }
    const bool watch = cfg.watch;
    watcher w(ex, std::move(cfg), *ep, std::move(sink));
    co_await run_sessions(w, watch);
}

}  // namespace sy::providers::docker
