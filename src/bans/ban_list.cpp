#include "bans/ban_list.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "providers/file/file_watch.hpp"

namespace sy::bans {

namespace {

/// The whole file, or the reason it cannot be read.
result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return diagnostic{path, std::strerror(errno)};
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return diagnostic{path, "read failed"};
    return ss.str();
}

}  // namespace

boost::asio::awaitable<void> run_ban_list(config::ban_list_config cfg, ban_sources& sources) {
    auto ex = co_await boost::asio::this_coro::executor;
    bool loaded = false;
    std::set<std::pair<std::string, std::string>> reported;  // (line text, why) of malformed lines logged
    std::string last_read_error;

    auto reload = [&] {
        auto text = read_file(cfg.filename);
        if (!text) {
            auto why = text.error().to_string();
            if (why == last_read_error) return;
            last_read_error = why;
            spdlog::error("ban list: cannot read {}{}", why,
                          loaded ? " (the last good list stays in force)" : " (nothing from it is banned until it can)");
            sources.file_failed(std::move(why));
            return;
        }
        const bool was_failing = !last_read_error.empty();
        last_read_error.clear();
        auto parsed = parse_ban_file(*text);
        std::set<std::pair<std::string, std::string>> still;
        for (const auto& e : parsed.errors) {
            auto key = std::make_pair(e.text, e.what);
            if (!reported.contains(key))
                spdlog::warn("ban list: {}: line {} skipped: {}", cfg.filename, e.line, e.what);
            still.insert(std::move(key));
        }
        reported = std::move(still);
        const auto now = unix_now();
        const size_t count = parsed.entries.size(), skipped = parsed.errors.size();
        const auto in_force = std::count_if(parsed.entries.begin(), parsed.entries.end(),
                                            [now](const ban_entry& e) { return now < e.expires; });
        const bool changed = sources.file_loaded(std::move(parsed.entries), std::move(parsed.errors), now);
        // A large list's reload frees as much as it allocated (the file's text, the parsed entries, the old set):
        // give it back, or glibc keeps the peak of a reload resident (100,000 entries, 8 reloads: 67 → 32 MiB RSS;
        // tests/bench/bans_bench.py). It runs on the control thread; workers never wait for it.
        if (changed && count >= 10000) malloc_trim(0);
        if (changed || was_failing || !loaded)
            spdlog::info("ban list: {} entries from {} ({} in force, {} lines skipped)", count, cfg.filename,
                         in_force, skipped);
        loaded = true;
    };

    // Watch before the first read: a change made while reading is then seen, not lost.
    auto watch = providers::file::open_watch(ex, providers::file::directories_of_file(cfg.filename));
    reload();
    if (!watch) {
        // The directory may come later (a volume mounted, or fail2ban's action creating it): look every second.
        spdlog::error("ban list: {}; waiting for it to exist", watch.error().to_string());
        boost::asio::steady_timer timer(ex);
        while (!watch) {
            timer.expires_after(std::chrono::seconds(1));
            co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            watch = providers::file::open_watch(ex, providers::file::directories_of_file(cfg.filename));
        }
        spdlog::info("ban list: watching {} now", cfg.filename);
        reload();
    }
    for (;;) {
        if (auto ec = co_await providers::file::next_change(*watch)) {
            spdlog::error("ban list: watching {}: {}; changes will not be applied", cfg.filename, ec.message());
            co_return;
        }
        reload();
    }
}

}  // namespace sy::bans
