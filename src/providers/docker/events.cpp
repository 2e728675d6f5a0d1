#include "providers/docker/events.hpp"

#include <array>

#include "providers/docker/json_read.hpp"

namespace sy::providers::docker {

using namespace json_read;

result<event> parse_event(std::string_view line) {
    json j = json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return diagnostic{"docker event", "the line is not a JSON object"};
    event e;
    e.type = string_member(j, "Type");
    e.action = string_member(j, "Action");
    if (const json* actor = object_member(j, "Actor")) {
        e.actor_id = string_member(*actor, "ID");
        e.attributes = string_map_member(*actor, "Attributes");
    }
    // Before API 1.52 the legacy `status`/`id` duplicate Action/Actor.ID; Podman and old daemons may send only those.
    if (e.action.empty()) e.action = string_member(j, "status");
    if (e.actor_id.empty()) e.actor_id = string_member(j, "id");
    if (const json* t = member(j, "timeNano"); t && t->is_number_integer()) e.time_nano = t->get<int64_t>();
    else if (const json* s = member(j, "time"); s && s->is_number_integer()) e.time_nano = s->get<int64_t>() * 1'000'000'000;
    if (e.action.empty()) return diagnostic{"docker event", "the event has no Action"};
    return e;
}

std::optional<std::string> container_to_refresh(const event& e) {
    if (e.type == "network") {
        if (e.action != "connect" && e.action != "disconnect") return std::nullopt;
        auto it = e.attributes.find("container");
        if (it == e.attributes.end() || it->second.empty()) return std::nullopt;
        return it->second;
    }
    if (e.type != "container" && !e.type.empty()) return std::nullopt;
    static constexpr std::array<std::string_view, 11> actions{
        "start", "die", "stop", "kill", "destroy", "remove", "pause", "unpause", "rename", "update", "restart"};
    bool relevant = e.action.starts_with("health_status");
    for (auto a : actions) relevant = relevant || e.action == a;
    if (!relevant || e.actor_id.empty()) return std::nullopt;
    return e.actor_id;
}

bool line_splitter::feed(std::string_view bytes) {
    if (start_ > 0 && start_ * 2 >= pending_.size()) {
        pending_.erase(0, start_);
        start_ = 0;
    }
    pending_.append(bytes);
    auto nl = pending_.rfind('\n');
    std::size_t unterminated = nl == std::string::npos || nl < start_ ? pending_.size() - start_ : pending_.size() - nl - 1;
    return unterminated <= max_line_;
}

std::optional<std::string> line_splitter::next() {
    for (;;) {
        auto nl = pending_.find('\n', start_);
        if (nl == std::string::npos) return std::nullopt;
        std::string line = pending_.substr(start_, nl - start_);
        start_ = nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) return line;  // blank lines are keep-alive noise, never events
    }
}

std::string events_filters_json() {
    // Keys are AND-ed, values OR-ed; `health_status` is a prefix match on the daemon side. No `label` filter: network
    // events carry no labels and would all be dropped (docker-api.md §2.5).
    return R"({"type":["container","network"],"event":["start","die","stop","kill","destroy","remove","pause",)"
           R"("unpause","health_status","rename","update","restart","connect","disconnect"]})";
}

std::string percent_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '.' || c == '_' || c == '~';
        if (plain) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

}  // namespace sy::providers::docker
