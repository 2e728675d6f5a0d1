#include <map>

#include "build_fixture.hpp"
#include "runtime/wrr_schedule.hpp"
#include "sy_catch.hpp"

using namespace sy;

namespace {
uint32_t next_index = 0;
std::shared_ptr<runtime::service_plan> servers(const std::string& name, std::vector<std::string> addresses) {
    auto p = std::make_shared<runtime::service_plan>();
    p->name = name;
    p->index = next_index++;
    for (auto& a : addresses) p->servers.push_back({a, a, 25, false, nullptr, nullptr});
    return p;
}
/// One worker's cursors, for every service made so far.
struct cursors {
    std::vector<uint32_t> slots = std::vector<uint32_t>(64, 0);
    const runtime::server_plan* pick(const runtime::service_plan& s) { return runtime::pick(s, slots); }
};
std::shared_ptr<runtime::service_plan> weighted() {
    auto w = std::make_shared<runtime::service_plan>();
    w->index = next_index++;
    return w;
}
}  // namespace

TEST_CASE("pick: round-robin across a load balancer's servers") {
    auto p = servers("s", {"a", "b", "c"});
    cursors worker;
    std::vector<std::string> seq;
    for (int i = 0; i < 6; ++i) seq.push_back(worker.pick(*p)->address);
    CHECK(seq == std::vector<std::string>{"a", "b", "c", "a", "b", "c"});
    CHECK(worker.pick(*servers("empty", {})) == nullptr);
    // Another worker has a rotation of its own: nothing is shared between threads.
    cursors other;
    CHECK(other.pick(*p)->address == "a");
    CHECK(worker.pick(*p)->address == "a");
}

TEST_CASE("pick: weighted services follow Traefik's weighted round-robin") {
    auto w = weighted();
    w->weighted = {{servers("a", {"a"}), 3}, {servers("b", {"b"}), 1}};
    w->schedule = runtime::wrr_schedule({3, 1});
    cursors worker;
    std::vector<std::string> seq;
    for (int i = 0; i < 8; ++i) seq.push_back(worker.pick(*w)->address);
    // Traefik's integration test TestWRR: 3:1 over 4 connections; nextServer's order is a a a b.
    CHECK(seq == std::vector<std::string>{"a", "a", "a", "b", "a", "a", "a", "b"});
}

TEST_CASE("pick: weighted distributions over many picks, nested services, zero weights") {
    auto inner = weighted();
    inner->weighted = {{servers("x", {"x1", "x2"}), 1}, {servers("y", {"y"}), 1}};
    inner->schedule = runtime::wrr_schedule({1, 1});
    auto outer = weighted();
    outer->weighted = {{inner, 2}, {servers("z", {"z"}), 6}, {servers("never", {"n"}), 0}};
    outer->schedule = runtime::wrr_schedule({2, 6, 0});
    std::map<std::string, int> count;
    cursors worker;
    for (int i = 0; i < 800; ++i) ++count[worker.pick(*outer)->address];
    CHECK(count["z"] == 600);
    CHECK(count["y"] == 100);
    CHECK(count["x1"] == 50);
    CHECK(count["x2"] == 50);
    CHECK(count.count("n") == 0);
}

TEST_CASE("wrr_schedule: one cycle, reduced by the weights' GCD, bounded for huge weights") {
    CHECK(runtime::wrr_schedule({}).empty());
    CHECK(runtime::wrr_schedule({0, 0}).empty());
    CHECK(runtime::wrr_schedule({2, 2}) == std::vector<uint32_t>{0, 1});
    CHECK(runtime::wrr_schedule({4, 2}) == std::vector<uint32_t>{0, 0, 1});
    auto huge = runtime::wrr_schedule({1'000'000'000, 1, 2'000'000'000});
    CHECK(huge.size() <= (1u << 16) + 2);
    size_t ones = 0;
    for (auto i : huge) ones += i == 1;
    CHECK(ones >= 1);  // a positive weight is never scaled to zero
}

namespace {
/// Gives every server of `p` a health state of its own.
void checked(runtime::service_plan& p, bool active) {
    for (auto& s : p.servers) s.health = std::make_shared<runtime::server_health>(active);
}
}  // namespace

TEST_CASE("pick: round robin skips servers that are DOWN, and the rotation goes on from the server picked") {
    auto p = servers("hc", {"a", "b", "c"});
    checked(*p, true);
    cursors worker;
    p->servers[1].health->set(false);
    std::vector<std::string> seq;
    for (int i = 0; i < 6; ++i) seq.push_back(worker.pick(*p)->address);
    CHECK(seq == std::vector<std::string>{"a", "c", "a", "c", "a", "c"});
    // Back UP: no rebuild, the next picks include it again.
    p->servers[1].health->set(true);
    std::map<std::string, int> count;
    for (int i = 0; i < 300; ++i) ++count[worker.pick(*p)->address];
    CHECK(count == std::map<std::string, int>{{"a", 100}, {"b", 100}, {"c", 100}});
    // All DOWN: nothing, and has_servers tells it from an empty service.
    for (auto& s : p->servers) s.health->set(false);
    CHECK(worker.pick(*p) == nullptr);
    CHECK(runtime::has_servers(*p));
    CHECK_FALSE(runtime::has_servers(*servers("none", {})));
    // `skip`: the retry after a failed dial never goes back to the same server.
    p->servers[0].health->set(true);
    CHECK(runtime::pick(*p, worker.slots, &p->servers[0]) == nullptr);
}

TEST_CASE("pick: weighted services skip a child with no server UP, as Traefik's propagated status does") {
    auto a = servers("a", {"a1", "a2"});
    auto b = servers("b", {"b1"});
    checked(*a, true);
    checked(*b, true);
    auto w = weighted();
    w->weighted = {{a, 3}, {b, 1}};
    w->schedule = runtime::wrr_schedule({3, 1});
    cursors worker;
    for (auto& s : a->servers) s.health->set(false);
    for (int i = 0; i < 8; ++i) CHECK(worker.pick(*w)->address == "b1");
    a->servers[1].health->set(true);
    std::map<std::string, int> count;
    for (int i = 0; i < 400; ++i) ++count[worker.pick(*w)->address];
    CHECK(count["a2"] == 300);
    CHECK(count["b1"] == 100);
    CHECK(count.count("a1") == 0);
    b->servers[0].health->set(false);
    a->servers[1].health->set(false);
    CHECK(worker.pick(*w) == nullptr);
    CHECK(runtime::has_servers(*w));
}

TEST_CASE("pick: a server DOWN by passive health alone gets a trial per failureWindow, and is used when all are") {
    auto p = servers("passive", {"a", "b"});
    checked(*p, false);
    p->passive.failure_window = std::chrono::hours(1);
    const auto now = runtime::server_health::clock::now();
    // One failure with maxFailedAttempts 1: DOWN. The trial is due only after failureWindow.
    CHECK(p->servers[0].health->dial_failed(1, p->passive.failure_window, now));
    cursors worker;
    for (int i = 0; i < 4; ++i) CHECK(worker.pick(*p)->address == "b");
    // Everything DOWN without an active check: a dial is the only way to learn, so the rotation goes on.
    CHECK(p->servers[1].health->dial_failed(1, p->passive.failure_window, now));
    CHECK(worker.pick(*p) != nullptr);
    // A successful dial brings a passive-only server back.
    CHECK(p->servers[0].health->dial_succeeded());
    CHECK(p->servers[0].health->up());
    CHECK_FALSE(p->servers[0].health->dial_succeeded());  // already UP: no second transition
}

TEST_CASE("server_health: consecutive failures within failureWindow, one trial at a time, 0 never marks") {
    using clock = runtime::server_health::clock;
    const auto t0 = clock::now();
    runtime::server_health h(false);
    CHECK_FALSE(h.dial_failed(3, std::chrono::seconds(10), t0));
    CHECK_FALSE(h.dial_failed(3, std::chrono::seconds(10), t0 + std::chrono::seconds(1)));
    // The third comes after a quiet minute: a new run starts, the server stays UP.
    CHECK_FALSE(h.dial_failed(3, std::chrono::seconds(10), t0 + std::chrono::seconds(61)));
    CHECK(h.up());
    CHECK_FALSE(h.dial_failed(3, std::chrono::seconds(10), t0 + std::chrono::seconds(62)));
    CHECK(h.dial_failed(3, std::chrono::seconds(10), t0 + std::chrono::seconds(63)));  // the transition, once
    CHECK_FALSE(h.dial_failed(3, std::chrono::seconds(10), t0 + std::chrono::seconds(64)));
    CHECK_FALSE(h.up());
    // Trials: not before failureWindow after the last failure; then exactly one caller per window.
    CHECK_FALSE(h.claim_trial(std::chrono::seconds(10), t0 + std::chrono::seconds(70)));
    CHECK(h.claim_trial(std::chrono::seconds(10), t0 + std::chrono::seconds(74)));
    CHECK_FALSE(h.claim_trial(std::chrono::seconds(10), t0 + std::chrono::seconds(75)));
    CHECK(h.claim_trial(std::chrono::seconds(10), t0 + std::chrono::seconds(84)));
    runtime::server_health never(false);
    for (int i = 0; i < 10; ++i) CHECK_FALSE(never.dial_failed(0, std::chrono::seconds(10), t0));
    CHECK(never.up());
    // With an active check, a successful dial does not bring it back: the prober does.
    runtime::server_health active(true);
    CHECK(active.dial_failed(1, std::chrono::seconds(10), t0));
    CHECK_FALSE(active.dial_succeeded());
    CHECK_FALSE(active.up());
}
