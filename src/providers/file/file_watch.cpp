#include "providers/file/file_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

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

std::vector<std::string> directories_of_file(const std::string& filename) {
    config::file_provider single;
    single.filename = filename;
    return watched_directories(single);
}

boost::asio::awaitable<boost::system::error_code> next_change(boost::asio::posix::stream_descriptor& watch,
                                                              std::chrono::milliseconds settle) {
    namespace asio = boost::asio;
    using namespace asio::experimental::awaitable_operators;
    // One buffer read into and dropped: the events only signal.
    std::array<char, 16 * 1024> events{};
    auto [ec, n] = co_await watch.async_read_some(asio::buffer(events), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    asio::steady_timer quiet_for(watch.get_executor());
    for (;;) {
        quiet_for.expires_after(settle);
        auto quiet = co_await (quiet_for.async_wait(asio::as_tuple(asio::use_awaitable)) ||
                               watch.async_read_some(asio::buffer(events), asio::as_tuple(asio::use_awaitable)));
        if (quiet.index() == 0) co_return boost::system::error_code{};
        if (auto [rec, rn] = std::get<1>(quiet); rec) co_return rec;
    }
}

}  // namespace sy::providers::file
