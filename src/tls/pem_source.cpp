#include "tls/pem_source.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sy::tls {

file_stamp stamp_of(const std::string& path) {
    file_stamp s;
    s.path = path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return s;
    s.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    s.size = st.st_size;
    s.inode = st.st_ino;
    return s;
}

result<pem_text> read_file_or_content(std::string_view key, const std::string& value, std::vector<file_stamp>& read) {
    if (value.empty()) return diagnostic(std::string(key), "empty");
    // PEM text is never a file name: it holds a newline and a BEGIN line. Anything else is a path, and one that
    // cannot be read is said to be so. (Traefik treats an unreadable path as content and then reports "failed to
    // find any PEM data", which hides the real cause: deliberate difference.)
    if (value.find("-----BEGIN") != std::string::npos) return pem_text{value, "inline " + std::string(key), false};
    read.push_back(stamp_of(value));
    std::ifstream in(value, std::ios::binary);
    if (!in) return diagnostic(std::string(key) + " " + value, std::string("cannot read: ") + std::strerror(errno));
    std::ostringstream all;
    all << in.rdbuf();
    return pem_text{all.str(), value, true};
}

bool any_changed(const std::vector<file_stamp>& files) {
    for (const auto& f : files)
        if (stamp_of(f.path) != f) return true;
    return false;
}

}  // namespace sy::tls
