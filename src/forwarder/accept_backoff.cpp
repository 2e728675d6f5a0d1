#include "forwarder/accept_backoff.hpp"
#include "telemetry/log_exception.hpp"

#include <spdlog/spdlog.h>

#include <atomic>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace sy::forwarder {

namespace {

/// The process's one episode state (every accept loop shares it).
struct episode {
    std::atomic<bool> logged{false};
    std::atomic<int64_t> failure_at{0};     ///< steady_clock ns of the last accept that found no descriptor
    std::atomic<bool> recovery_watched{false};
};

episode& state() {
    static episode e;
    return e;
}

bool out_of_descriptors(const error_code& ec) {
    return ec == net::error::no_descriptors || ec == net::error::no_buffer_space || ec == net::error::no_memory ||
           ec.value() == ENFILE;
}

int64_t steady_ns(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Started by the first accept that works after running out: logs "accepting again" once no accept has failed for
/// the quiet period. A timer of its own rather than racing the accept against one: a connection accepted by the
/// losing side of a race would be dropped.
awaitable<void> announce_recovery(std::string entry_point) {
    auto& e = state();
    steady_timer wait(co_await net::this_coro::executor);
    for (;;) {
        const std::chrono::steady_clock::time_point last{
            std::chrono::nanoseconds(e.failure_at.load(std::memory_order_acquire))};
        if (std::chrono::steady_clock::now() - last >= accept_quiet_period) break;
        wait.expires_at(last + accept_quiet_period);
        co_await wait.async_wait();
    }
    e.recovery_watched.store(false, std::memory_order_release);
    if (e.logged.exchange(false)) spdlog::warn("entryPoint \"{}\": accepting again", entry_point);
}

}  // namespace

awaitable<bool> back_off_if_exhausted(const error_code& ec, std::string entry_point) {
    if (!out_of_descriptors(ec)) co_return false;
    auto& e = state();
    e.failure_at.store(steady_ns(std::chrono::steady_clock::now()), std::memory_order_release);
    if (!e.logged.exchange(true))
        spdlog::error("entryPoint \"{}\": cannot accept: {} (raise the open-file limit); retrying", entry_point,
                      ec.message());
    steady_timer pause(co_await net::this_coro::executor, accept_pause);
    co_await pause.async_wait();
    co_return true;
}

void accept_succeeded(const net::any_io_executor& ex, const std::string& entry_point) {
    auto& e = state();
    if (e.logged.load(std::memory_order_relaxed) && !e.recovery_watched.exchange(true))
        net::co_spawn(ex, announce_recovery(entry_point),
                      telemetry::log_exception("entryPoint \"" + entry_point + "\": watching for the recovery"));
}

}  // namespace sy::forwarder
