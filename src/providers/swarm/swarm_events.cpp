#include "providers/swarm/swarm_events.hpp"

#include <array>
#include <string_view>

namespace sy::providers::swarm {

std::string swarm_events_filters_json() {
    // Keys are AND-ed, values OR-ed: the event list holds the service/node actions (create update remove) and the
    // container ones; a container event of a plain container passes the filter and is dropped by asks_for_refresh.
    return R"({"type":["service","node","container"],"event":["create","update","remove","start","die","kill",)"
           R"("stop","destroy","health_status","pause","unpause"]})";
}

bool asks_for_refresh(const docker::event& e) {
    if (e.type == "service" || e.type == "node") return true;
    if (e.type != "container" || !e.attributes.contains("com.docker.swarm.service.id")) return false;
    static constexpr std::array<std::string_view, 7> actions{"start", "die", "kill", "stop", "destroy", "pause",
                                                             "unpause"};
    for (auto a : actions)
        if (e.action == a) return true;
    return e.action.starts_with("health_status");
}

std::optional<task_container_change> task_container_event(const docker::event& e) {
    if (e.type != "container") return std::nullopt;
    auto id = e.attributes.find("com.docker.swarm.task.id");
    if (id == e.attributes.end() || id->second.empty()) return std::nullopt;
    if (e.action == "die") return task_container_change{id->second, "exited"};
    if (e.action == "health_status: unhealthy") return task_container_change{id->second, "unhealthy"};
    if (e.action == "health_status: healthy") return task_container_change{id->second, ""};
    return std::nullopt;  // kill is also a signal like SIGHUP (a reload); stop and destroy follow die
}

}  // namespace sy::providers::swarm
