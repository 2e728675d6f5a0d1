#pragma once
// JSON string escaping without a JSON library, for the access log's hot path.
#include <string>
#include <string_view>

namespace sy::telemetry {

/// Appends `s` as a quoted JSON string; control characters become \u00XX, bytes >= 0x80 pass through.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sy::telemetry
