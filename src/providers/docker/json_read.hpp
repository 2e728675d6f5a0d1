#pragma once
// Private to the Docker parsers: tolerant field access on nlohmann::json. The daemon may add, drop or null fields
// from one API version to the next (docker-api.md §1.3), and the bytes are untrusted, so a field of the wrong type
// reads as absent instead of throwing. Include only from .cpp files (nlohmann is a heavy header).
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sy::providers::docker::json_read {

using json = nlohmann::json;

inline const json* member(const json& j, std::string_view key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

inline const json* object_member(const json& j, std::string_view key) {
    const json* m = member(j, key);
    return m && m->is_object() ? m : nullptr;
}

inline std::string string_member(const json& j, std::string_view key) {
    const json* m = member(j, key);
    return m && m->is_string() ? m->get<std::string>() : std::string();
}

/// A map<string,string> such as Config.Labels or Actor.Attributes; non-string values are skipped.
inline std::map<std::string, std::string> string_map_member(const json& j, std::string_view key) {
    std::map<std::string, std::string> out;
    if (const json* m = object_member(j, key))
        for (auto it = m->begin(); it != m->end(); ++it)
            if (it.value().is_string()) out.emplace(it.key(), it.value().get<std::string>());
    return out;
}

}  // namespace sy::providers::docker::json_read
