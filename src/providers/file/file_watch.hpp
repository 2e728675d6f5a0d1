#pragma once
// An inotify watch on the directories that hold the provider's files, as an Asio descriptor.
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
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

}  // namespace sy::providers::file
