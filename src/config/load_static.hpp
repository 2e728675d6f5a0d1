#pragma once
#include <map>
#include <span>
#include <string>

#include "base/diagnostic.hpp"
#include "config/static_config.hpp"

namespace sy::config {

/// The static configuration from exactly one source, as Traefik picks it (cmd/traefik/traefik.go runs paerser's
/// FileLoader, FlagLoader, EnvLoader in that order and stops at the first that finds something):
///   1. a configuration file: `--configFile=PATH`, else traefik.toml|yaml|yml in /etc/traefik/, $XDG_CONFIG_HOME/,
///      $HOME/.config/, ./ — then every other flag and variable is ignored (we say so in `warnings`);
///   2. else the flags in `args` (argv without the program name), if any;
///   3. else the environment variables TRAEFIK_* (and SWITCHYARD_*, ours, which win over TRAEFIK_*).
/// `env` also supplies HOME and XDG_CONFIG_HOME for the file search. Every bad key or value is reported (one line
/// each in the diagnostic's text), naming the key as written and suggesting the closest known key.
result<static_config> load_static(std::span<const std::string> args, const std::map<std::string, std::string>& env);

/// The same, from one source already chosen (tests, and the decoder's fuzzing).
result<static_config> static_from_flags(std::span<const std::string> args);
result<static_config> static_from_env(const std::map<std::string, std::string>& env);
result<static_config> static_from_file(std::string_view text, std::string_view file_name);

/// Every supported key with a one-line description, for `switchyard --help`.
std::string static_help();

}  // namespace sy::config
