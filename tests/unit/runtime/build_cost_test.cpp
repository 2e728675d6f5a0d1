// How long one rebuild takes: the number behind the providersThrottleDuration finding in aggregator/throttle.hpp.
// Hidden ([.]) so the unit suite stays fast; run it with `unit_runtime "[.build-cost]" -s`.
#include <chrono>

#include "base/concat.hpp"
#include "build_fixture.hpp"
#include "sy_catch.hpp"

using namespace sy;

TEST_CASE("build cost of a configuration with many routers", "[.build-cost]") {
    for (int n : {10, 100, 1000}) {
        test::world w;
        for (int i = 0; i < n; ++i) {
            auto name = concat("r", std::to_string(i), "@docker");
            auto svc = concat("s", std::to_string(i), "@docker");
            w.passthrough(w.router(name, "HostSNI(`host" + std::to_string(i) + ".example.com`)", svc, {"imaps"}));
            w.service(svc, {"10.0.0." + std::to_string(i % 250 + 1) + ":993"})
                .load_balancer->proxy_protocol = config::proxy_protocol{2};
        }
        auto start = std::chrono::steady_clock::now();
        constexpr int rounds = 20;
        for (int k = 0; k < rounds; ++k) REQUIRE(w.build()->routers.size() == size_t(n));
        auto per = (std::chrono::steady_clock::now() - start) / rounds;
        const double ms = std::chrono::duration<double, std::milli>(per).count();
        WARN(n << " routers: " << ms << " ms per build");
    }
}
