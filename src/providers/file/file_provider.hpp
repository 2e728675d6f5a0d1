#pragma once
// The file provider (Traefik's providers.file): dynamic configuration from one YAML/TOML file or from every such
// file in a directory, reloaded when the files change.
#include <boost/asio/awaitable.hpp>

#include "base/diagnostic.hpp"
#include "config/dynamic_config.hpp"
#include "config/static_config.hpp"
#include "providers/provider.hpp"

namespace sy::providers::file {

/// Loads `cfg.filename`, or every .yml/.yaml/.toml file under `cfg.directory` (sorted by path, merged), into a
/// provider message for "file". An error names the file and what is wrong in it; nothing is half-loaded.
result<config::provider_message> load(const config::file_provider& cfg);

/// Runs on the control io_context: publishes the configuration once, then (when `cfg.watch`) again after every
/// change of the watched files. A file that does not parse keeps the last good configuration in force and is
/// logged with its name and position. Returns only when the watch cannot go on (logged), or when cancelled.
boost::asio::awaitable<void> run_file_provider(config::file_provider cfg, sink publish);

}  // namespace sy::providers::file

namespace sy::providers {
using file::run_file_provider;  // the name app/cmd_run.cpp spawns
}  // namespace sy::providers
