#pragma once
// Sources → node trees. Every reader keeps the user's spelling of keys (for diagnostics) and the origin of each
// value (the flag, the environment variable, file:line).
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "decoder/node.hpp"

namespace sy::decoder {

class type_desc;

/// `--a.b.c=value`, `-a.b.c=value`, bare `--flag` (= "true"). Traefik's flags need `=`; a separate value
/// (`--key value`) is refused with a message saying so. Later flags override earlier ones.
result<node> read_flags(std::span<const std::string> args);

struct env_tree {
    node root;
    std::vector<diagnostic> errors;  ///< variables with a known root that name no key (with a suggestion)
    size_t used = 0;                 ///< how many variables were read
};

/// Environment variables `PREFIX_A_B_C=value` for each prefix in order (later prefixes win). Names lose case and
/// `_` is both the separator and part of names, so each name is resolved against the field tables, as paerser
/// does: a field segment matches a field's name without separators (`EXPOSEDBYDEFAULT`), a map name takes as
/// many segments as needed for the rest to resolve (`ENTRYPOINTS_MY_SMTP_ADDRESS` → entry point "my_smtp").
/// Variables whose first segment starts no known root key are not ours and are skipped, as Traefik does.
env_tree read_env(const std::map<std::string, std::string>& env, std::span<const std::string_view> prefixes,
                  const type_desc& schema);

/// YAML (yaml-cpp). A parse error names file:line:column.
result<node> read_yaml(std::string_view text, std::string_view file_name);

/// TOML (toml++). A parse error names file:line:column.
result<node> read_toml(std::string_view text, std::string_view file_name);

/// YAML or TOML by the file name's extension (.yml, .yaml, .toml); anything else is refused.
result<node> read_config_file(std::string_view text, std::string_view file_name);

}  // namespace sy::decoder
