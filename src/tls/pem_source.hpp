#pragma once
// Traefik's types.FileOrContent: a certFile, keyFile, caFile or rootCA value is a path when a file of that name
// exists, else the PEM text itself. Files are read here, once per build; what was read is remembered so a change on
// disk can trigger the next build (tls/watched_files.hpp).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"

namespace sy::tls {

/// A file's identity for change detection: a rewrite, a rename over it (certbot, kubelet's ..data swap) or its
/// removal all change one of these.
struct file_stamp {
    std::string path;
    int64_t mtime_ns = 0;
    int64_t size = -1;  ///< -1: the file could not be stat'ed
    uint64_t inode = 0;
    friend bool operator==(const file_stamp&, const file_stamp&) = default;
};

/// The current stamp of `path` (size -1 when it cannot be stat'ed).
file_stamp stamp_of(const std::string& path);

struct pem_text {
    std::string text;
    std::string label;  ///< the path, or "inline certFile" (the key) for content: what error messages name
    bool from_file = false;
};

/// Reads `value` as Traefik does. `key` names the setting in errors ("certFile"). `read` collects the stamp of every
/// file looked at, including one that could not be read (so its appearance triggers a rebuild).
result<pem_text> read_file_or_content(std::string_view key, const std::string& value, std::vector<file_stamp>& read);

/// The stamps in `files` that differ from the disk now.
bool any_changed(const std::vector<file_stamp>& files);

}  // namespace sy::tls
