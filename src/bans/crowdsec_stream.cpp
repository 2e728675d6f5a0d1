#include "bans/crowdsec_stream.hpp"

#include <limits>

#include "bans/ban_file.hpp"
#include "base/text.hpp"
#include "providers/docker/json_read.hpp"

namespace sy::bans {

namespace {

using providers::docker::json_read::json;
using providers::docker::json_read::member;
using providers::docker::json_read::string_member;

constexpr size_t max_named = 80;  ///< how much of an untrusted value a message quotes

std::string quoted(const std::string& s) {
    return "\"" + (s.size() > max_named ? s.substr(0, max_named) + "..." : s) + "\"";
}

/// The decision's id: a non-negative integer (the LAPI's row id). Absent or of another type: none.
bool read_id(const json& d, int64_t& id) {
    const json* m = member(d, "id");
    if (!m) return false;
    if (m->is_number_unsigned()) {
        const auto v = m->get<uint64_t>();
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
        id = static_cast<int64_t>(v);
        return true;
    }
    if (m->is_number_integer()) {
        id = m->get<int64_t>();
        return id >= 0;
    }
    return false;
}

/// One "new" entry: the decision, or why it is not enforced here.
result<crowdsec_decision> read_decision(const json& d) {
    if (!d.is_object()) return diagnostic{"", "not an object"};
    crowdsec_decision out;
    if (!read_id(d, out.id)) return diagnostic{"", "no numeric id"};
    const std::string type = ascii_lower(string_member(d, "type"));
    // As CrowdSec's firewall bouncer: only "ban" is enforced; captcha and throttle need an HTTP bouncer.
    if (type != "ban") return diagnostic{"", "type " + quoted(type) + " is not enforced at layer 4"};
    const std::string scope = ascii_lower(string_member(d, "scope"));
    if (scope != "ip" && scope != "range")
        return diagnostic{"", "scope " + quoted(string_member(d, "scope")) + " is not an address or range"};
    const std::string value = string_member(d, "value");
    auto range = parse_ban_range(value);
    if (!range) return diagnostic{"", "value " + quoted(value) + " is not an address or range"};
    if (scope == "ip" && range->prefix != (range->network.is_v4() ? 32u : 128u))
        return diagnostic{"", "scope Ip with the range " + quoted(value)};
    out.range = *range;
    const std::string remaining = string_member(d, "duration");
    auto left = parse_duration(remaining);
    if (!left) return diagnostic{"", "duration " + quoted(remaining) + " is not a Go duration"};
    if (*left <= duration::zero()) return diagnostic{"", "already expired (duration " + quoted(remaining) + ")"};
    out.remaining = *left;
    out.origin = string_member(d, "origin");
    out.scenario = string_member(d, "scenario");
    return out;
}

}  // namespace

result<decision_stream> parse_decision_stream(std::string_view body) {
    const json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return diagnostic{"", "the answer is not JSON"};
    if (!j.is_object()) return diagnostic{"", "the answer is not a JSON object"};
    const json* added = member(j, "new");
    const json* deleted = member(j, "deleted");
    if (!added && !deleted) return diagnostic{"", "the answer has neither \"new\" nor \"deleted\""};
    for (const auto* list : {added, deleted})
        if (list && !list->is_null() && !list->is_array())
            return diagnostic{"", std::string("\"") + (list == added ? "new" : "deleted") + "\" is not an array"};
    decision_stream out;
    if (added && added->is_array()) {
        size_t i = 0;
        for (const auto& d : *added) {
            auto r = read_decision(d);
            if (r)
                out.added.push_back(std::move(*r));
            else
                out.skipped.push_back("new[" + std::to_string(i) + "]: " + r.error().what);
            ++i;
        }
    }
    if (deleted && deleted->is_array())
        for (const auto& d : *deleted) {
            int64_t id = 0;
            if (read_id(d, id)) out.deleted.push_back(id);  // without an id it names nothing we hold
        }
    return out;
}

bool crowdsec_decisions::apply(const decision_stream& answer, bool startup, unix_seconds now) {
    std::map<int64_t, ban_entry> next = startup ? std::map<int64_t, ban_entry>{} : held_;
    if (!startup)
        for (int64_t id : answer.deleted) next.erase(id);
    for (const auto& d : answer.added) {
        ban_entry e;
        e.range = d.range;
        // Rounded up: a ban ends at the earliest one second late, never early.
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(d.remaining).count();
        e.expires = seconds >= never - now ? never : now + seconds;
        e.comment = "crowdsec " + d.origin + ": " + d.scenario;
        next[d.id] = std::move(e);
    }
    const bool changed = next != held_;
    held_ = std::move(next);
    return changed;
}

bool crowdsec_decisions::forget_expired(unix_seconds now) {
    return std::erase_if(held_, [now](const auto& kv) { return kv.second.expires <= now; }) > 0;
}

std::vector<ban_entry> crowdsec_decisions::entries() const {
    std::vector<ban_entry> out;
    out.reserve(held_.size());
    for (const auto& [id, e] : held_) out.push_back(e);
    return out;
}

}  // namespace sy::bans
