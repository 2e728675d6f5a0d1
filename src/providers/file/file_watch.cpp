#include "providers/file/file_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sy::providers::file {

namespace fs = std::filesystem;

std::vector<std::string> watched_directories(const config::file_provider& cfg) {
    std::vector<std::string> dirs;
    auto add = [&](const fs::path& d) {
        std::error_code ec;
        auto abs = fs::absolute(d.empty() ? fs::path(".") : d, ec).lexically_normal().string();
        if (abs.size() > 1 && abs.back() == '/') abs.pop_back();
        for (const auto& seen : dirs)
            if (seen == abs) return;
        dirs.push_back(abs);
    };
    if (!cfg.filename.empty()) {
        fs::path file(cfg.filename);
        add(file.parent_path());
        std::error_code ec;
        auto target = fs::canonical(file, ec);
        if (!ec) add(target.parent_path());
    } else {
        add(cfg.directory);
    }
    return dirs;
}

result<boost::asio::posix::stream_descriptor> open_watch(boost::asio::any_io_executor ex,
                                                         const std::vector<std::string>& dirs) {
    int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return diagnostic{"inotify", std::strerror(errno)};
    constexpr uint32_t mask = IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                              IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
    for (const auto& d : dirs) {
        if (::inotify_add_watch(fd, d.c_str(), mask) < 0) {
            diagnostic err{d, std::string("cannot watch: ") + std::strerror(errno)};
            ::close(fd);
            return err;
        }
    }
    return boost::asio::posix::stream_descriptor(std::move(ex), fd);
}

}  // namespace sy::providers::file
