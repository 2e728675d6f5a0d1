#include "aggregator/throttle.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sy_catch.hpp"

using namespace sy;
using namespace std::chrono_literals;

namespace {
config::provider_message message(const std::string& provider, const std::string& router) {
    config::provider_message m;
    m.provider = provider;
    m.config.routers[router].rule = "HostSNI(`*`)";
    return m;
}

struct recorder {
    std::vector<aggregator::merged_config> seen;
    std::vector<std::chrono::steady_clock::time_point> at;
    aggregator::throttled_aggregator::callback callback() {
        return [this](const aggregator::merged_config& m) {
            seen.push_back(m);
            at.push_back(std::chrono::steady_clock::now());
        };
    }
};
}  // namespace

TEST_CASE("throttle: the first change is applied at once, a burst collapses into its latest state") {
    boost::asio::io_context ioc;
    recorder rec;
    aggregator::throttled_aggregator agg(ioc.get_executor(), 100ms, rec.callback());
    auto start = std::chrono::steady_clock::now();
    agg.push(message("file", "a"));
    REQUIRE(rec.seen.size() == 1);  // leading edge: no wait
    agg.push(message("file", "b"));
    agg.push(message("file", "c"));
    CHECK(rec.seen.size() == 1);
    ioc.run_for(3s);  // returns once the last window closes with nothing pending
    REQUIRE(rec.seen.size() == 2);
    CHECK(rec.seen[1].config.routers.count("c@file") == 1);
    CHECK(rec.seen[1].config.routers.count("b@file") == 0);
    CHECK(rec.at[1] - start >= 100ms);
    CHECK(agg.updates() == 2);
}

TEST_CASE("throttle: a message equal to its provider's previous one changes nothing") {
    boost::asio::io_context ioc;
    recorder rec;
    aggregator::throttled_aggregator agg(ioc.get_executor(), 50ms, rec.callback());
    agg.push(message("docker", "a"));
    agg.push(message("docker", "a"));
    ioc.run_for(3s);
    CHECK(rec.seen.size() == 1);
    // A change and its undo inside one window merge back to what was applied: nothing is handed on.
    ioc.restart();
    agg.push(message("docker", "b"));  // leading edge of a new window (the first one has closed)
    REQUIRE(rec.seen.size() == 2);
    agg.push(message("docker", "a"));
    agg.push(message("docker", "b"));
    ioc.run_for(3s);
    CHECK(rec.seen.size() == 2);
}

TEST_CASE("throttle: providers are merged, each keeps its latest message") {
    boost::asio::io_context ioc;
    recorder rec;
    aggregator::throttled_aggregator agg(ioc.get_executor(), 50ms, rec.callback());
    agg.push(message("docker", "a"));
    agg.push(message("file", "b"));
    ioc.run_for(3s);
    REQUIRE(rec.seen.size() == 2);
    CHECK(rec.seen.back().config.routers.size() == 2);
}

TEST_CASE("throttle: at most one update per window under a steady stream") {
    boost::asio::io_context ioc;
    recorder rec;
    aggregator::throttled_aggregator agg(ioc.get_executor(), 60ms, rec.callback());
    // 30 changes, one every 10 ms (300 ms in all): about 300/60 + 1 updates, never one per change.
    boost::asio::steady_timer tick(ioc);
    int n = 0;
    std::function<void(boost::system::error_code)> next = [&](boost::system::error_code) {
        agg.push(message("docker", "r" + std::to_string(n)));
        if (++n < 30) {
            tick.expires_after(10ms);
            tick.async_wait(next);
        }
    };
    boost::asio::post(ioc, [&] { next({}); });
    ioc.run_for(5s);
    REQUIRE(n == 30);
    CHECK(rec.seen.size() >= 3);
    CHECK(rec.seen.size() <= 8);
    CHECK(rec.seen.back().config.routers.count("r29@docker") == 1);
    for (size_t i = 1; i < rec.at.size(); ++i) CHECK(rec.at[i] - rec.at[i - 1] >= 55ms);
}

TEST_CASE("throttle: a zero window applies every change at once") {
    boost::asio::io_context ioc;
    recorder rec;
    aggregator::throttled_aggregator agg(ioc.get_executor(), 0ms, rec.callback());
    agg.push(message("docker", "a"));
    agg.push(message("docker", "b"));
    CHECK(rec.seen.size() == 2);
}

TEST_CASE("throttle: destroying the aggregator drops a pending trailing update") {
    boost::asio::io_context ioc;
    recorder rec;
    {
        aggregator::throttled_aggregator agg(ioc.get_executor(), 50ms, rec.callback());
        agg.push(message("docker", "a"));
        agg.push(message("docker", "b"));
    }
    ioc.run_for(3s);
    CHECK(rec.seen.size() == 1);
}
