#pragma once
// The file provider's input: Traefik's dynamic configuration layout (`tcp: routers/services/middlewares/
// serversTransports`, `tls: options/certificates`) in YAML or TOML.
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "config/dynamic_config.hpp"

namespace sy::config {

struct decoded_file {
    dynamic_config config;
    std::vector<element_finding> findings;  ///< bad keys/values, confined to their element
};

/// YAML or TOML by `file_name`'s extension. A file that does not parse is an error naming file:line; once parsed, a
/// bad key stays with its element (a finding), and `http:`/`udp:` sections are ignored.
result<decoded_file> decode_dynamic_file(std::string_view text, std::string_view file_name);

}  // namespace sy::config
