#pragma once
// Pure parsers of the Engine API's JSON answers (docker-api.md §2): untrusted bytes in, plain structs or a
// diagnostic naming the input out. Unknown fields are ignored and missing ones read as empty, so one parser serves
// Docker 20.10 to 29 and Podman's compatible API.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "providers/docker/container.hpp"

namespace sy::providers::docker {

/// GET /containers/{id}/json.
result<container> parse_inspect(std::string_view json);

/// What one inspect answer (`status`, `body`) of container `id` does to the containers known so far: 200 stores
/// the container under its full ID; 404 (gone) and any failure drop it. Returns a line for the log on a failure.
std::optional<std::string> apply_inspect(std::map<std::string, container>& known, const std::string& id,
                                         unsigned status, std::string_view body);

/// GET /containers/json: the container IDs, in the daemon's order.
result<std::vector<std::string>> parse_container_ids(std::string_view json);

/// GET /version.
result<engine_version> parse_version(std::string_view json);

/// The API's error body {"message": "..."}; the trimmed text itself when it is not that JSON (versions < 1.24 answer
/// text/plain).
std::string parse_error_message(std::string_view body);

}  // namespace sy::providers::docker
