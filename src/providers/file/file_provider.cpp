// The file provider's loop: load, publish, wait for inotify events, let a burst settle, reload.
#include "providers/file/file_provider.hpp"

#include <optional>
#include <string>

#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include "providers/file/file_watch.hpp"

namespace sy::providers::file {

namespace asio = boost::asio;

namespace {

bool same(const config::provider_message& a, const config::provider_message& b) {
    return a.config == b.config && a.findings == b.findings;
}

void log_findings(const config::provider_message& msg) {
    for (const auto& f : msg.findings) {
        if (f.is_error)
            spdlog::error("file provider: {}: {}", f.name, f.message);
        else
            spdlog::warn("file provider: {}: {}", f.name, f.message);
    }
}

}  // namespace

asio::awaitable<void> run_file_provider(config::file_provider cfg, sink publish) {
    auto ex = co_await asio::this_coro::executor;
    std::optional<config::provider_message> last_good;

    std::string last_error;
    auto reload = [&] {
        auto msg = load(cfg);
        if (!msg) {
            // The same error is logged once: the watch covers the whole directory, and a log file kept there would
            // otherwise turn each error line into another reload and another line.
            auto why = msg.error().to_string();
            if (why != last_error)
                spdlog::error("file provider: {}{}", why,
                              last_good ? " (the last good configuration stays in force)" : "");
            last_error = std::move(why);
            return;
        }
        last_error.clear();
        if (last_good && same(*last_good, *msg)) return;
        log_findings(*msg);
        spdlog::info("file provider: loaded {} router(s), {} service(s), {} middleware(s)", msg->config.routers.size(),
                     msg->config.services.size(), msg->config.middlewares.size());
        last_good = *msg;
        publish(std::move(*msg));
    };

    if (!cfg.watch) {
        reload();
        co_return;
    }
    // Watch before the first load: a change made while loading is then seen, not lost.
    auto dirs = watched_directories(cfg);
    auto watch = open_watch(ex, dirs);
    reload();
    if (!watch) {
        spdlog::error("file provider: {}; changes will not be applied", watch.error().to_string());
        co_return;
    }
    for (;;) {
        if (auto ec = co_await next_change(*watch)) {
            spdlog::error("file provider: watching {}: {}; changes will not be applied", dirs.front(), ec.message());
            co_return;
        }
        reload();
    }
}

}  // namespace sy::providers::file
