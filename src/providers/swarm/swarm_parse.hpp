#pragma once
// Pure parsers of a Swarm manager's answers (captured shapes: tests/unit/providers/swarm/fixtures/). Untrusted bytes
// in, plain structs or a diagnostic naming the input out; unknown fields are ignored, missing ones read as empty, and
// an element of the wrong shape is skipped rather than failing the whole list.
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "providers/swarm/swarm_objects.hpp"

namespace sy::providers::swarm {

result<std::vector<service>> parse_services(std::string_view json);
result<std::vector<task>> parse_tasks(std::string_view json);
result<std::vector<node>> parse_nodes(std::string_view json);
result<std::vector<network>> parse_networks(std::string_view json);

/// "10.0.1.2/24" → "10.0.1.2", "fd00::2/64" → "fd00::2"; "" when the text is not an address (with or without prefix).
std::string address_without_prefix(std::string_view cidr);

}  // namespace sy::providers::swarm
