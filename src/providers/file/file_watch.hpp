#pragma once
// An inotify watch on the directories that hold the provider's files, as an Asio descriptor.
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "base/diagnostic.hpp"
#include "config/static_config.hpp"

namespace sy::providers::file {

/// The directories to watch. Directories, not files: an editor that saves by rename, or a ConfigMap update
/// (`..data` symlink swapped by rename), replaces the inode a file watch would follow, and the watch goes quiet.
/// A filename that is a symlink also has its target's directory watched.
std::vector<std::string> watched_directories(const config::file_provider& cfg);

/// A non-blocking inotify descriptor watching `dirs` for anything that can change a file's content or name.
result<boost::asio::posix::stream_descriptor> open_watch(boost::asio::any_io_executor ex,
                                                         const std::vector<std::string>& dirs);

/// Editors write a file in several steps (truncate, write, rename, chmod): a change is over once the directory has
/// been quiet this long, so one save is one reload and a half-written file is not read. Traefik reacts to each
/// fsnotify event at once and relies on its 2 s throttle instead.
inline constexpr auto settle_time = std::chrono::milliseconds(100);

/// Waits for the next change seen by `watch` and until it has settled (`settle` without another event). The
/// events' content is not needed: they only say "read the files again". An error means the watch is broken.
boost::asio::awaitable<boost::system::error_code> next_change(boost::asio::posix::stream_descriptor& watch,
                                                              std::chrono::milliseconds settle = settle_time);

/// The directories to watch for a single file (the ban list; see watched_directories).
std::vector<std::string> directories_of_file(const std::string& filename);

}  // namespace sy::providers::file
