#include "providers/docker/docker_provider.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <random>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
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

namespace sy::providers::docker {

namespace net = boost::asio;
using net::awaitable;
using namespace std::chrono_literals;

namespace {

constexpr auto tok = net::as_tuple(net::use_awaitable);

/// The daemon's clock from an HTTP Date header ("Tue, 24 Nov 2026 16:06:31 GMT"); ours when it is missing.
int64_t unix_seconds(const std::string& http_date) {
    std::tm tm{};
    if (!http_date.empty() && strptime(http_date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return timegm(&tm);
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Traefik's job.NewBackOff over cenkalti/backoff (docker-api.md §3.1): 0.5 s, ×1.5, ±50 % jitter; capped at 30 s
/// here rather than 60 s so a restarted daemon is picked up sooner.
class backoff {
public:
    duration next() {
        std::uniform_real_distribution<double> jitter(0.5, 1.5);
        auto d = std::chrono::duration_cast<duration>(current_ * jitter(rng_));
        current_ = std::min<std::chrono::duration<double>>(current_ * 1.5, 30s);
        return d;
    }
    void reset() { current_ = 500ms; }

private:
    std::chrono::duration<double> current_ = 500ms;
    std::mt19937 rng_{std::random_device{}()};
};

/// Network-mode-host containers are reached at host.docker.internal (Docker Desktop) or host.containers.internal
/// (Podman) when either resolves, as Traefik does; else 127.0.0.1. Bounded: a stuck resolver must not stall the watch.
awaitable<std::string> host_gateway_address() {
    using namespace net::experimental::awaitable_operators;
    auto ex = co_await net::this_coro::executor;
    for (const char* name : {"host.docker.internal", "host.containers.internal"}) {
        net::ip::tcp::resolver resolver(ex);
        net::steady_timer timer(ex, 500ms);
        auto winner = co_await (resolver.async_resolve(name, "", tok) || timer.async_wait(tok));
        if (winner.index() != 0) continue;
        auto [ec, results] = std::get<0>(winner);
        if (!ec && !results.empty()) co_return results.begin()->endpoint().address().to_string();
    }
    co_return "127.0.0.1";
}

std::string short_id(std::string_view id) { return std::string(id.substr(0, 12)); }

class watcher {
public:
    watcher(net::any_io_executor ex, config::docker_provider cfg, engine_endpoint ep, providers::sink sink)
        : cfg_(std::move(cfg)), client_(ex, std::move(ep), cfg_.tls, cfg_.http_client_timeout), sink_(std::move(sink)) {
        options_.exposed_by_default = cfg_.exposed_by_default;
        options_.network = cfg_.network;
        options_.use_bind_port_ip = cfg_.use_bind_port_ip;
        options_.allow_empty_services = cfg_.allow_empty_services;
        auto compiled = compile_constraint(cfg_.constraints);
        if (compiled) {
            constraints_ = std::move(*compiled);
        } else {
            // As Traefik: a constraint that cannot be evaluated drops every container (it logs one error per
            // container; we log once).
            spdlog::error("docker: {}; no container is routed until it is fixed", compiled.error().to_string());
            options_.constraints_invalid = true;
        }
        options_.constraints = &constraints_;
    }

    /// One connected period: resync, then follow events until the stream breaks.
    awaitable<result<void>> session() {
        auto ping = co_await client_.get("/_ping");
        if (!ping) co_return ping.error();
        if (ping->status != 200)
            co_return diagnostic{"docker GET /_ping", "HTTP " + std::to_string(ping->status) + ": " + parse_error_message(ping->body)};
        auto version_answer = co_await client_.get("/version");
        if (!version_answer) co_return version_answer.error();
        if (version_answer->status != 200)
            co_return diagnostic{"docker GET /version", "HTTP " + std::to_string(version_answer->status) + ": " +
                                                            parse_error_message(version_answer->body)};
        auto version = parse_version(version_answer->body);
        if (!version) co_return version.error();
        auto api = negotiate_api_version(version->api_version, version->min_api_version);
        if (!api) co_return api.error();
        prefix_ = "/v" + api->to_string();

        if (cfg_.watch) {
            // Subscribe before listing, one second back on the daemon's clock: the daemon registers the subscriber
            // only after it flushed the headers, and `since` replays what happened in between (docker-api.md §6).
            auto since = std::to_string(unix_seconds(ping->date) - 1);
            auto opened = co_await client_.open_stream(prefix_ + "/events?since=" + since +
                                                       "&filters=" + percent_encode(events_filters_json()));
            if (!opened) co_return opened.error();
        }
        auto list = co_await client_.get(prefix_ + "/containers/json?all=1");
        if (!list) co_return list.error();
        if (list->status != 200)
            co_return diagnostic{"docker GET /containers/json", "HTTP " + std::to_string(list->status) + ": " +
                                                                    parse_error_message(list->body)};
        auto ids = parse_container_ids(list->body);
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
                         version->podman ? "Podman" : "Docker", version->version, client_.endpoint().text,
                         api->to_string(), version->podman ? ", Podman compatibility" : "", containers_.size());
            up_ = true;
        }
        push(nullptr);
        if (!cfg_.watch) co_return result<void>{};

        line_splitter lines;
        for (;;) {
            auto bytes = co_await client_.read_stream();
            if (!bytes) co_return bytes.error();
            if (!lines.feed(*bytes)) co_return diagnostic{"docker events", "an event longer than 1 MiB"};
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

    void close() { client_.close(); }

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
        if (answer->status == 404) {
            containers_.erase(id);
            co_return result<void>{};
        }
        if (answer->status != 200) {
            spdlog::warn("docker: inspecting container {}: HTTP {}: {}", short_id(id), answer->status,
                         parse_error_message(answer->body));
            co_return result<void>{};
        }
        auto c = parse_inspect(answer->body);
        if (!c) {
            spdlog::warn("docker: container {}: {}", short_id(id), c.error().to_string());
            co_return result<void>{};
        }
        if (c->id != id) containers_.erase(id);  // looked up by a prefix or a name
        containers_[c->id] = std::move(*c);
        co_return result<void>{};
    }

    /// Builds the whole configuration and hands it on when it differs from the last one pushed.
    void push(const event* cause) {
        auto built = build_provider_message(containers_, options_);
        std::set<std::string> notes(built.notes.begin(), built.notes.end());
        for (const auto& n : notes)
            if (!notes_.contains(n)) spdlog::info("docker: {}", n);
        notes_ = std::move(notes);
        std::set<std::string> findings;
        for (const auto& f : built.message.findings) {
            std::string line = f.name.empty() ? f.message : "\"" + f.name + "\": " + f.message;
            if (!findings_.contains(line)) {
                if (f.is_error) spdlog::error("docker: {}", line);
                else spdlog::warn("docker: {}", line);
            }
            findings.insert(std::move(line));
        }
        findings_ = std::move(findings);
        if (last_ && last_->config == built.message.config && last_->findings == built.message.findings) return;
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
    std::set<std::string> notes_, findings_;
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
    backoff delay;
    net::steady_timer timer(ex);
    for (;;) {
        const auto started = std::chrono::steady_clock::now();
        auto r = co_await w.session();
        w.close();
        if (r && !watch) co_return;
        if (!r) w.lost(r.error());
        // A session that streamed for a while starts the next one at the initial delay (Traefik's MinJobInterval).
        if (std::chrono::steady_clock::now() - started >= 30s) delay.reset();
        timer.expires_after(delay.next());
        auto [ec] = co_await timer.async_wait(tok);
        if (ec) co_return;  // cancelled
    }
}

}  // namespace sy::providers::docker
