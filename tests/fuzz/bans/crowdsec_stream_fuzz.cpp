// Fuzz target: sy::bans::parse_decision_stream over arbitrary LAPI answers, and the bouncer's held decisions fed
// with what it accepts. Checks, beyond memory safety: every accepted decision is a ban with a positive duration; a
// decision held is found banned in the set built from the entries until its expiry; a startup answer replaces what
// was held; deleting every id added empties it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bans/ban_set.hpp"
#include "bans/crowdsec_stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto s = sy::bans::parse_decision_stream(body);
    if (!s) {
        if (s.error().what.empty()) std::abort();
        return 0;
    }
    for (const auto& d : s->added)
        if (d.remaining <= sy::duration::zero() || d.id < 0) std::abort();
    for (const auto& why : s->skipped)
        if (why.empty() || why.size() > 400) std::abort();
    const sy::bans::unix_seconds now = 1'800'000'000;
    sy::bans::crowdsec_decisions held;
    held.apply(*s, true, now);
    const auto entries = held.entries();
    if (entries.size() > s->added.size()) std::abort();
    const sy::bans::ban_set set(entries);
    for (const auto& e : entries)
        if (e.expires <= now || !set.banned(e.range.network, now)) std::abort();
    sy::bans::decision_stream gone;
    for (const auto& d : s->added) gone.deleted.push_back(d.id);
    held.apply(gone, false, now);
    if (held.size() != 0) std::abort();
    return 0;
}
