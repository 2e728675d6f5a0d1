// The coarse timer: a heap of deadlines, one Asio timer for the earliest, deadlines that disarm themselves.
#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "forwarder/coarse_timer.hpp"
#include "sy_catch.hpp"

using namespace sy;
using namespace std::chrono_literals;
using forwarder::coarse_timer;

namespace {

struct fired_log {
    std::vector<int> order;
    std::vector<coarse_timer::clock::time_point> at;
};

struct probe {
    probe(fired_log* l, int i) : log(l), id(i) {}
    fired_log* log;
    int id;
    coarse_timer::deadline d;
    static void fire(void* self) {
        auto* p = static_cast<probe*>(self);
        p->log->order.push_back(p->id);
        p->log->at.push_back(coarse_timer::clock::now());
    }
};

/// Runs `io` until `log` has `n` entries or 5 s pass.
void run_until(boost::asio::io_context& io, const fired_log& log, size_t n) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (log.order.size() < n && std::chrono::steady_clock::now() < until) io.run_for(5ms);
}

}  // namespace

TEST_CASE("coarse timer: deadlines fire in due order, within a grain, whatever order they were armed in",
          "[forwarder][timer]") {
    boost::asio::io_context io;
    coarse_timer t(io.get_executor(), 10ms);
    fired_log log;
    const auto now = coarse_timer::clock::now();
    std::vector<std::unique_ptr<probe>> probes;
    const int delays[] = {50, 10, 30, 20, 40};
    for (int i = 0; i < 5; ++i) {
        probes.push_back(std::make_unique<probe>(&log, delays[i]));
        t.arm(probes.back()->d, now + std::chrono::milliseconds(delays[i]), &probe::fire, probes.back().get());
    }
    CHECK(t.armed() == 5);
    run_until(io, log, 5);
    CHECK(log.order == std::vector<int>{10, 20, 30, 40, 50});
    for (size_t i = 0; i < log.at.size(); ++i) {
        const auto due = now + std::chrono::milliseconds(log.order[i]);
        CHECK(log.at[i] >= due);
        CHECK(log.at[i] - due < 60ms);  // a grain late at most, with slack for a loaded machine
    }
    CHECK(t.armed() == 0);
}

TEST_CASE("coarse timer: a destroyed or disarmed deadline never fires; re-arming moves it", "[forwarder][timer]") {
    boost::asio::io_context io;
    coarse_timer t(io.get_executor(), 5ms);
    fired_log log;
    const auto now = coarse_timer::clock::now();
    {
        probe gone(&log, 1);
        t.arm(gone.d, now + 10ms, &probe::fire, &gone);
    }  // its owner went away: the deadline left the heap with it
    probe disarmed(&log, 2);
    t.arm(disarmed.d, now + 10ms, &probe::fire, &disarmed);
    disarmed.d.disarm();
    probe moved(&log, 3);
    t.arm(moved.d, now + 200ms, &probe::fire, &moved);
    t.arm(moved.d, now + 20ms, &probe::fire, &moved);  // earlier now
    probe never(&log, 4);
    t.arm(never.d, coarse_timer::clock::time_point::max(), &probe::fire, &never);
    CHECK(t.armed() == 1);
    run_until(io, log, 1);
    io.run_for(50ms);
    CHECK(log.order == std::vector<int>{3});
    CHECK(log.at[0] - now < 150ms);
}

TEST_CASE("coarse timer: many deadlines with random dues and random disarms", "[forwarder][timer]") {
    boost::asio::io_context io;
    coarse_timer t(io.get_executor(), 5ms);
    fired_log log;
    std::mt19937 rng(7);
    const auto now = coarse_timer::clock::now();
    std::vector<std::unique_ptr<probe>> probes;
    std::vector<int> expected;
    for (int i = 0; i < 5000; ++i) {
        probes.push_back(std::make_unique<probe>(&log, i));
        t.arm(probes.back()->d, now + std::chrono::milliseconds(rng() % 100), &probe::fire, probes.back().get());
    }
    for (int i = 0; i < 5000; i += 3) probes[i]->d.disarm();
    for (int i = 0; i < 5000; ++i)
        if (i % 3 != 0) expected.push_back(i);
    run_until(io, log, expected.size());
    CHECK(log.order.size() == expected.size());
    std::sort(log.order.begin(), log.order.end());
    CHECK(log.order == expected);
    CHECK(t.armed() == 0);
}

TEST_CASE("timeout_after and wait_after: zero means never for a timeout and now for a wait; no overflow",
          "[forwarder][timer]") {
    using clock = coarse_timer::clock;
    CHECK(forwarder::timeout_after(0s) == clock::time_point::max());
    CHECK(forwarder::timeout_after(-1s) == clock::time_point::max());
    const auto zero = forwarder::wait_after(0s);
    const auto negative = forwarder::wait_after(-5s);
    CHECK(zero <= clock::now());
    CHECK(negative <= clock::now());
    // The largest duration a label can give does not wrap around into the past.
    CHECK(forwarder::timeout_after(std::chrono::nanoseconds::max()) == clock::time_point::max());
    CHECK(forwarder::wait_after(std::chrono::nanoseconds::max()) == clock::time_point::max());
    const auto soon = forwarder::timeout_after(1s);
    CHECK(soon > clock::now());
    CHECK(soon < clock::now() + 2s);
}
