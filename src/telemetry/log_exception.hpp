#pragma once
// A co_spawn completion handler that logs the exception a coroutine ended with, naming what the coroutine was:
// `asio::detached` drops it without a word (review C13), which hides a dead accept loop or provider.
#include <exception>
#include <string>
#include <string_view>

namespace sy::telemetry {

/// Logs "<context>: ended by an exception: <what>" (nothing when `e` is null); never throws. For handlers that
/// build their context only when there is something to log (one per connection).
void log_ended_by(std::exception_ptr e, std::string_view context, bool critical = false) noexcept;

/// The handler for coroutines spawned once (accept loops, providers) where a string per spawn costs nothing.
class log_exception {
public:
    /// `context` names the coroutine in the log line ("entryPoint \"smtp\": a connection"). `critical`: something
    /// that should have run for ever (an accept loop, a provider) rather than one connection or request.
    explicit log_exception(std::string context, bool critical = false)
        : context_(std::move(context)), critical_(critical) {}

    void operator()(std::exception_ptr e) const noexcept { log_ended_by(e, context_, critical_); }

private:
    std::string context_;
    bool critical_;
};

}  // namespace sy::telemetry
