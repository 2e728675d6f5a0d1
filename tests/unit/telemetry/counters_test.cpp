// The counter registry: sharded blocks summed when read, and blocks of vanished routers forgotten.
#include <algorithm>
#include <set>
#include <string>

#include "sy_catch.hpp"
#include "telemetry/counters.hpp"
#include "telemetry/prometheus.hpp"

using namespace sy::telemetry;
using namespace std::chrono_literals;

TEST_CASE("outcomes: every value has its own name, and the name leads back to it") {
    std::set<std::string> names;
    for (size_t i = 0; i < outcome_count; ++i) {
        const auto o = static_cast<outcome>(i);
        const std::string name(to_string(o));
        CHECK(!name.empty());
        CHECK(name != "unknown");
        CHECK(outcome_named(name) == o);
        names.insert(name);
    }
    CHECK(names.size() == outcome_count);
    CHECK_FALSE(outcome_named("peek_timeout").has_value());
}

TEST_CASE("traffic counters: each worker writes its own shard; reading sums them") {
    registry reg(3);
    auto block = reg.router("r@file");
    block->shard(0).bytes_in += 10;
    block->shard(1).bytes_in += 20;
    block->shard(2).bytes_in += 30;
    block->shard(7).bytes_in += 1;  // beyond the last: folded into it
    CHECK(block->read().bytes_in == 61);
    // One cache line per shard: two workers never write the same line.
    CHECK(reinterpret_cast<uintptr_t>(&block->shard(1)) - reinterpret_cast<uintptr_t>(&block->shard(0)) >= 64);
}

namespace {
registry::clock::time_point simulated{};
registry::clock::time_point simulated_now() { return simulated; }
}  // namespace

TEST_CASE("registry: a day of container churn leaves /metrics bounded, current series and totals kept") {
    registry reg(1, &simulated_now);
    reg.entry_point("smtp");
    auto kept = reg.router("smtp@file");
    kept->shard(0).total += 5;
    const auto start = simulated;
    // 1440 restarts (one a minute for a day), each with a new container name and address; the registry forgets
    // what no build has named for forget_after, as cmd_run does after every build.
    std::shared_ptr<traffic_counters> held_by_an_old_snapshot;
    size_t most = 0;
    for (int i = 0; i < 1440; ++i) {
        simulated = start + std::chrono::minutes(i);  // the i-th build, i minutes after the start
        auto r = reg.router("smtp-" + std::to_string(i) + "@docker");
        reg.service("mail-" + std::to_string(i) + "@docker");
        reg.server("mail-" + std::to_string(i) + "@docker", "127.0.0." + std::to_string(i % 250) + ":25");
        reg.router("smtp@file");  // still in every configuration
        if (i == 0) held_by_an_old_snapshot = r;
        reg.forget_unused(simulated - forget_after);
        most = std::max(most, reg.size());
    }
    // Never more than the last ten minutes' containers (3 blocks each, 11 builds) and the configured router.
    CHECK(most <= 3 * 11 + 1);
    const auto text = render_prometheus(reg, {});
    CHECK(text.find("smtp-0@docker") == std::string::npos);
    CHECK(text.find("router=\"smtp@file\"} 5") != std::string::npos);
    // A block an old snapshot still holds stays valid for its connections.
    held_by_an_old_snapshot->shard(0).total += 1;
    CHECK(held_by_an_old_snapshot->read().total == 1);
    // After the churn stops, only what the configuration names remains.
    simulated += forget_after + 1min;
    reg.router("smtp@file");
    reg.forget_unused(simulated - forget_after);
    CHECK(reg.size() == 1);
}
