#pragma once
// CrowdSec's Local API decision stream (GET /v1/decisions/stream, pkg/models' DecisionsStreamResponse):
//
//   {"new": [{"id":1, "type":"ban", "scope":"Ip", "value":"192.0.2.7", "duration":"3h59m55.7s",
//             "origin":"cscli", "scenario":"manual 'ban' from 'host'"}, ...] | null,
//    "deleted": [{"id":1, ...}, ...] | null}
//
// The body is untrusted bytes (whatever answers on the configured URL), so this is a pure function with unit tests
// and a fuzz target, and the bouncer's state (crowdsec_decisions) is a plain value the tests drive without a LAPI.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bans/ban_entry.hpp"
#include "base/diagnostic.hpp"
#include "base/duration.hpp"

namespace sy::bans {

/// One decision the router enforces: a "ban" on an address ("Ip") or a network ("Range").
struct crowdsec_decision {
    int64_t id = 0;       ///< the LAPI's id: a later "deleted" names it
    cidr range;           ///< IPv4-mapped IPv6 as the IPv4 range (parse_ban_range)
    duration remaining{};  ///< "duration": how long it still applies from the answer's arrival
    std::string origin;    ///< "cscli", "crowdsec", "CAPI", "lists"
    std::string scenario;
    friend bool operator==(const crowdsec_decision&, const crowdsec_decision&) = default;
};

struct decision_stream {
    std::vector<crowdsec_decision> added;  ///< "new", the decisions enforced at layer 4
    std::vector<int64_t> deleted;          ///< "deleted": ids of decisions that stopped (deleted or expired)
    /// "new" entries not enforced, with why: other types (captcha, throttle: an HTTP bouncer's business), other
    /// scopes (Country, AS, Username), values that are not addresses, expired ones. Logged by the bouncer.
    std::vector<std::string> skipped;
};

/// Parses one answer's body. An error only when the body is not the stream's JSON object; a bad decision inside a
/// good answer is skipped (and named), so one odd decision never hides the others.
result<decision_stream> parse_decision_stream(std::string_view body);

/// The decisions the bouncer holds, keyed by id, applied answer after answer. A startup answer
/// (`?startup=true`: every decision in force) replaces them all, so one taken after the LAPI was away cannot miss a
/// deletion made meanwhile.
class crowdsec_decisions {
public:
    /// Applies one answer that arrived at `now`; true when the set of bans changed.
    bool apply(const decision_stream& answer, bool startup, unix_seconds now);
    /// Forgets decisions expired at `now` (they already stopped applying in the ban set); true when any was held.
    bool forget_expired(unix_seconds now);
    /// As ban-set entries (expiry = arrival + duration, comment "crowdsec <origin>: <scenario>"), in id order.
    std::vector<ban_entry> entries() const;
    size_t size() const { return held_.size(); }

private:
    std::map<int64_t, ban_entry> held_;
};

}  // namespace sy::bans
