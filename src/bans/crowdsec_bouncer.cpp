#include "bans/crowdsec_bouncer.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bans/crowdsec_stream.hpp"
#include "providers/docker/engine_client.hpp"
#include "providers/docker/watch_support.hpp"

namespace sy::bans {

namespace {

namespace net = boost::asio;
namespace docker = providers::docker;

/// The key, trimmed (cscli prints it with a newline; editors add one).
result<std::string> read_key(const std::string& path) {
    const std::string where = "banList.crowdsec.apiKeyFile " + path;
    std::ifstream in(path, std::ios::binary);
    if (!in) return diagnostic{where, std::strerror(errno)};
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string key = ss.str();
    const auto first = key.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return diagnostic{where, "is empty"};
    key = key.substr(first, key.find_last_not_of(" \t\r\n") - first + 1);
    for (char c : key)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
            return diagnostic{where, "holds more than one word"};  // a header value cannot carry it
    return key;
}

/// "/prefix" of "http://host:8080/prefix/" (a LAPI behind a reverse proxy's path), without the trailing slash.
std::string path_of(const std::string& url) {
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (slash == std::string::npos) return "";
    std::string p = url.substr(slash, url.find_first_of("?#", slash) - slash);
    while (!p.empty() && p.back() == '/') p.pop_back();
    return p;
}

std::string host_header(const docker::engine_endpoint& ep) {
    const std::string host = ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host;
    return host + ":" + std::to_string(ep.port);
}

net::awaitable<void> sleep_for(net::steady_timer& timer, duration d) {
    timer.expires_after(d);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
}

/// Every this many pulls the whole set is asked for (?startup=true) instead of the changes: CrowdSec 1.4's LAPI
/// reads the changes since the bouncer's last pull and records the new pull's time only afterwards, so a decision
/// made during a pull is in no list of changes. 30 × the default 10 s: such a decision applies within 5 minutes.
constexpr unsigned whole_set_every = 30;

/// One pull: the parsed answer, or why there is none.
net::awaitable<result<decision_stream>> pull(docker::engine_client& client, const config::crowdsec_config& cfg,
                                             const std::string& base, bool startup) {
    auto key = read_key(cfg.api_key_file);
    if (!key) co_return key.error();
    client.set_identity("crowdsec", {{"Host", host_header(client.endpoint())}, {"X-Api-Key", *key}});
    const std::string target = base + (startup ? "/v1/decisions/stream?startup=true" : "/v1/decisions/stream");
    auto answer = co_await client.get(target);
    if (!answer) co_return answer.error();
    const std::string where = "crowdsec " + cfg.url;
    if (answer->status == 403)
        co_return diagnostic{where, "the API key in " + cfg.api_key_file + " was refused (HTTP 403)"};
    if (answer->status != 200)
        co_return diagnostic{where, "HTTP " + std::to_string(answer->status) + ": " + answer->body.substr(0, 200)};
    auto parsed = parse_decision_stream(answer->body);
    if (!parsed) co_return diagnostic{where, parsed.error().what};
    co_return parsed;
}

}  // namespace

net::awaitable<void> run_crowdsec_bouncer(config::crowdsec_config cfg, crowdsec_sink report) {
    auto ex = co_await net::this_coro::executor;
    crowdsec_status status;
    status.url = cfg.url;
    auto endpoint = docker::parse_endpoint(cfg.url, false);
    if (!endpoint) {
        status.error = "banList.crowdsec.url: " + endpoint.error().what;
        spdlog::error("crowdsec: {}; no decisions will be pulled", status.error);
        report(status, nullptr);
        co_return;
    }
    docker::engine_client client(ex, *endpoint, std::nullopt, cfg.timeout);
    const std::string base = path_of(cfg.url);
    docker::backoff retry;
    net::steady_timer timer(ex);
    crowdsec_decisions held;
    bool startup = true;
    unsigned since_whole = 0;  // pulls of changes since the last whole set
    std::string logged_error, logged_skips;
    spdlog::info("crowdsec: following the decisions of {} every {}", cfg.url, format_duration(cfg.poll_interval));
    for (;;) {
        if (++since_whole >= whole_set_every) startup = true;
        if (startup) since_whole = 0;
        auto answer = co_await pull(client, cfg, base, startup);
        const auto now = unix_now();
        bool changed = held.forget_expired(now);
        if (answer) {
            changed = held.apply(*answer, startup, now) || changed;
            if (!answer->skipped.empty()) {
                // Said once while it holds: a whole set repeats the same ones every whole_set_every pulls.
                auto note = std::to_string(answer->skipped.size()) + " decision(s) not enforced (first: " +
                            answer->skipped.front() + ")";
                if (note != logged_skips) spdlog::info("crowdsec: {}", note);
                logged_skips = std::move(note);
            }
            if (!logged_error.empty()) spdlog::info("crowdsec: {} answers again", cfg.url);
            if (changed || status.pulls == 0)
                spdlog::info("crowdsec: {} ban decision(s) in force ({} new, {} deleted)", held.size(),
                             answer->added.size(), answer->deleted.size());
            logged_error.clear();
            startup = false;
            retry.reset();
            status.error.clear();
            status.last_pull = now;
            ++status.pulls;
        } else {
            // The next answer must be a whole set: deletions made while the LAPI was away are then not missed.
            startup = true;
            status.error = answer.error().to_string();
            if (status.error != logged_error)
                spdlog::error("crowdsec: {} (the {} decision(s) held stay in force; retrying)", status.error,
                              held.size());
            logged_error = status.error;
        }
        status.decisions = held.size();
        if (changed) {
            const auto entries = held.entries();
            report(status, &entries);
        } else {
            report(status, nullptr);
        }
        co_await sleep_for(timer, answer ? cfg.poll_interval : retry.next());
    }
}

}  // namespace sy::bans
