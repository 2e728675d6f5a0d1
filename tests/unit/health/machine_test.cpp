#include "health/health_machine.hpp"

#include "sy_catch.hpp"

using namespace sy::health;
using namespace std::chrono_literals;

namespace {
/// A fake clock: time points are offsets from an arbitrary origin, advanced by the test.
const clock::time_point t0 = clock::time_point{} + 1000h;
clock::time_point at(clock::duration d) { return t0 + d; }
}  // namespace

TEST_CASE("health machine: the first probe falls at the phase of its first interval, then every interval") {
    health_machine m({10s, 2s}, t0, 0.25);
    CHECK(m.next_probe() == at(2500ms));
    CHECK(m.on_result(true, true, at(2600ms)) == change::none);
    CHECK(m.next_probe() == at(12500ms));  // on its own grid, not drifting by the probe's duration
    CHECK(m.on_result(true, true, at(12700ms)) == change::none);
    CHECK(m.next_probe() == at(22500ms));
    // Two machines made at the same instant with other phases never probe together.
    health_machine other({10s, 2s}, t0, 0.75);
    CHECK(other.next_probe() == at(7500ms));
}

TEST_CASE("health machine: one failure takes it DOWN (Traefik), probes then every unhealthyInterval, one pass back") {
    health_machine m({10s, 2s}, t0, 0.0);
    CHECK(m.next_probe() == t0);
    CHECK(m.on_result(false, true, at(1s)) == change::went_down);
    CHECK_FALSE(m.up());
    CHECK(m.next_probe() == at(3s));  // the new period starts at the change
    CHECK(m.on_result(false, false, at(3s)) == change::none);
    CHECK(m.next_probe() == at(5s));
    CHECK(m.on_result(true, false, at(5100ms)) == change::went_up);
    CHECK(m.up());
    CHECK(m.next_probe() == at(15100ms));
}

TEST_CASE("health machine: rise and fall thresholds count results in a row") {
    timing t{10s, 5s};
    t.fall = 3;
    t.rise = 2;
    health_machine m(t, t0, 0.5);
    auto now = m.next_probe();
    CHECK(m.on_result(false, true, now) == change::none);
    CHECK(m.on_result(true, true, now) == change::none);  // a pass resets the run
    CHECK(m.on_result(false, true, now) == change::none);
    CHECK(m.on_result(false, true, now) == change::none);
    CHECK(m.on_result(false, true, now) == change::went_down);
    CHECK(m.on_result(true, false, now) == change::none);
    CHECK(m.on_result(true, false, now) == change::went_up);
}

TEST_CASE("health machine: a state others changed (passive health) is adopted before the result counts") {
    health_machine m({10s, 1s}, t0, 0.0);
    // Passive health took the server DOWN meanwhile; the probe passes: that is the way back UP.
    CHECK(m.on_result(true, false, at(1s)) == change::went_up);
    // The probe fails while the shared state already says DOWN: no second transition.
    health_machine n({10s, 1s}, t0, 0.0);
    CHECK(n.on_result(false, false, at(1s)) == change::none);
    CHECK_FALSE(n.up());
    CHECK(n.next_probe() == at(1s));  // the DOWN period (1s) from the grid point t0
}

TEST_CASE("health machine: a probe longer than its period is followed at once, never by a burst") {
    health_machine m({1s, 1s}, t0, 0.0);
    CHECK(m.on_result(true, true, at(5s)) == change::none);  // a 5 s timeout on a 1 s interval
    CHECK(m.next_probe() == at(5s));
    CHECK(m.on_result(true, true, at(5100ms)) == change::none);
    CHECK(m.next_probe() == at(6s));
}
