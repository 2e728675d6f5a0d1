// Name lookups off the event loop: answered on the caller's executor, bounded by the caller's limit.
#include <chrono>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "base/name_resolver.hpp"
#include "sy_catch.hpp"

using namespace sy;
using namespace std::chrono_literals;

namespace {

std::optional<name_answer> run_lookup(const std::string& host, std::chrono::nanoseconds limit,
                                      std::chrono::steady_clock::duration& took) {
    boost::asio::io_context io;
    std::optional<name_answer> out;
    const auto t0 = std::chrono::steady_clock::now();
    boost::asio::co_spawn(
        io, [&]() -> boost::asio::awaitable<void> { out = co_await lookup_within(host, limit); },
        boost::asio::detached);
    io.run_for(10s);
    took = std::chrono::steady_clock::now() - t0;
    return out;
}

}  // namespace

TEST_CASE("lookup_within: a real name resolves; a lookup slower than the limit gives up at the limit") {
    std::chrono::steady_clock::duration took{};
    auto local = run_lookup("localhost", 5s, took);
    REQUIRE(local.has_value());
    CHECK_FALSE(local->addresses.empty());

    set_lookup_for_tests([](const std::string& host) -> std::optional<name_answer> {
        if (host != "stuck.test") return std::nullopt;
        std::this_thread::sleep_for(1s);  // a resolver whose DNS server does not answer
        return name_answer{{}, "timed out"};
    });
    auto stuck = run_lookup("stuck.test", 200ms, took);
    CHECK_FALSE(stuck.has_value());
    CHECK(took < 800ms);  // the limit decided, not the lookup (Asio's resolver would have waited 1 s)
    // The late answer arrives after the caller (and its io_context) are gone, and is dropped by the closed gate.
    set_lookup_for_tests(nullptr);
}
