#pragma once
// The ban file (banList.filename): read and parsed at start and after every change the inotify watch sees (the file
// provider's watch: atomic renames and in-place writes alike), and handed to the ban sources as the file's part.
// Runs on the control io_context, never on a worker: the workers only receive the finished set by pointer.
#include <boost/asio/awaitable.hpp>

#include "bans/ban_sources.hpp"
#include "config/static_config.hpp"

namespace sy::bans {

/// Reads `cfg.filename` now and after every change; reports every read whose entries differ from the previous
/// one's to `sources` (and a read that fails: the last good entries stay). A malformed line is logged once with its
/// line number; the same line is not logged again while it stays in the file. A directory that does not exist yet
/// is waited for (checked every second). Returns only when the watch breaks (logged).
boost::asio::awaitable<void> run_ban_list(config::ban_list_config cfg, ban_sources& sources);

}  // namespace sy::bans
