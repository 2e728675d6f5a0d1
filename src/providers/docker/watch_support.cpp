#include "providers/docker/watch_support.hpp"

#include <ctime>

#include <spdlog/spdlog.h>

#include "providers/docker/inspect.hpp"

namespace sy::providers::docker {

using namespace std::chrono_literals;

duration backoff::next() {
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    auto d = std::chrono::duration_cast<duration>(current_ * jitter(rng_));
    current_ = std::min<std::chrono::duration<double>>(current_ * 1.5, 30s);
    return d;
}

void backoff::reset() { current_ = 500ms; }

int64_t unix_seconds(const std::string& http_date) {
    std::tm tm{};
    if (!http_date.empty() && strptime(http_date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return timegm(&tm);
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

boost::asio::awaitable<result<std::string>> get_ok(engine_client& client, const std::string& target,
                                                   const std::string& what) {
    auto answer = co_await client.get(target);
    if (!answer) co_return answer.error();
    if (answer->status != 200)
        co_return diagnostic{"docker GET " + what,
                             "HTTP " + std::to_string(answer->status) + ": " + parse_error_message(answer->body)};
    co_return std::move(answer->body);
}

boost::asio::awaitable<result<engine_session>> open_engine_session(engine_client& client) {
    auto ping = co_await client.get("/_ping");
    if (!ping) co_return ping.error();
    if (ping->status != 200)
        co_return diagnostic{"docker GET /_ping", "HTTP " + std::to_string(ping->status) + ": " + parse_error_message(ping->body)};
    auto body = co_await get_ok(client, "/version", "/version");
    if (!body) co_return body.error();
    auto version = parse_version(*body);
    if (!version) co_return version.error();
    auto api = negotiate_api_version(version->api_version, version->min_api_version);
    if (!api) co_return api.error();
    engine_session s;
    s.prefix = "/v" + api->to_string();
    s.version = std::move(*version);
    s.api = *api;
    s.ping_date = ping->date;
    co_return s;
}

void log_constraint_error(const std::string& provider, const diagnostic& why) {
    spdlog::error("{}: {}; nothing is routed until it is fixed", provider, why.to_string());
}

void findings_log::report(const std::string& provider, const std::vector<std::string>& notes,
                          const std::vector<config::element_finding>& findings) {
    std::set<std::string> now(notes.begin(), notes.end());
    for (const auto& n : now)
        if (!notes_.contains(n)) spdlog::info("{}: {}", provider, n);
    notes_ = std::move(now);
    std::set<std::string> lines;
    for (const auto& f : findings) {
        std::string line = f.name.empty() ? f.message : "\"" + f.name + "\": " + f.message;
        if (!findings_.contains(line)) {
            if (f.is_error) spdlog::error("{}: {}", provider, line);
            else spdlog::warn("{}: {}", provider, line);
        }
        lines.insert(std::move(line));
    }
    findings_ = std::move(lines);
}

}  // namespace sy::providers::docker
