#include <map>

#include "build_fixture.hpp"
#include "runtime/wrr_schedule.hpp"
#include "sy_catch.hpp"

using namespace sy;

namespace {
std::shared_ptr<runtime::service_plan> servers(const std::string& name, std::vector<std::string> addresses) {
    auto p = std::make_shared<runtime::service_plan>();
    p->name = name;
    for (auto& a : addresses) p->servers.push_back({a, a, 25, false, nullptr});
    return p;
}
}  // namespace

TEST_CASE("pick: round-robin across a load balancer's servers") {
    auto p = servers("s", {"a", "b", "c"});
    std::vector<std::string> seq;
    for (int i = 0; i < 6; ++i) seq.push_back(p->pick()->address);
    CHECK(seq == std::vector<std::string>{"a", "b", "c", "a", "b", "c"});
    CHECK(servers("empty", {})->pick() == nullptr);
}

TEST_CASE("pick: weighted services follow Traefik's weighted round-robin") {
    auto w = std::make_shared<runtime::service_plan>();
    w->weighted = {{servers("a", {"a"}), 3}, {servers("b", {"b"}), 1}};
    w->schedule = runtime::wrr_schedule({3, 1});
    std::vector<std::string> seq;
    for (int i = 0; i < 8; ++i) seq.push_back(w->pick()->address);
    // Traefik's integration test TestWRR: 3:1 over 4 connections; nextServer's order is a a a b.
    CHECK(seq == std::vector<std::string>{"a", "a", "a", "b", "a", "a", "a", "b"});
}

TEST_CASE("pick: weighted distributions over many picks, nested services, zero weights") {
    auto inner = std::make_shared<runtime::service_plan>();
    inner->weighted = {{servers("x", {"x1", "x2"}), 1}, {servers("y", {"y"}), 1}};
    inner->schedule = runtime::wrr_schedule({1, 1});
    auto outer = std::make_shared<runtime::service_plan>();
    outer->weighted = {{inner, 2}, {servers("z", {"z"}), 6}, {servers("never", {"n"}), 0}};
    outer->schedule = runtime::wrr_schedule({2, 6, 0});
    std::map<std::string, int> count;
    for (int i = 0; i < 800; ++i) ++count[outer->pick()->address];
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
