// The completion handler that replaces `detached`: a coroutine's exception reaches the log, naming the coroutine.
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "sy_catch.hpp"
#include "telemetry/log_exception.hpp"

namespace net = boost::asio;

namespace {

net::awaitable<void> throws_std() {
    co_await net::post(net::use_awaitable);
    throw std::runtime_error("boom");
}

net::awaitable<void> throws_other() {
    co_await net::post(net::use_awaitable);
    throw 42;
}

net::awaitable<void> ends_normally() { co_return; }

/// Everything logged while `f` runs.
template <class F>
std::string logged(F f) {
    std::ostringstream text;
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(text)));
    f();
    spdlog::set_default_logger(previous);
    return text.str();
}

}  // namespace

TEST_CASE("log_exception: a coroutine's exception is logged with its context; a normal end logs nothing") {
    auto out = logged([] {
        net::io_context io;
        net::co_spawn(io, throws_std(), sy::telemetry::log_exception("entryPoint \"smtp\": a connection"));
        net::co_spawn(io, throws_other(), sy::telemetry::log_exception("docker provider", true));
        net::co_spawn(io, ends_normally(), sy::telemetry::log_exception("quiet"));
        io.run();
    });
    CHECK(out.find("[error] entryPoint \"smtp\": a connection: ended by an exception: boom") != std::string::npos);
    CHECK(out.find("[critical] docker provider: ended by an exception: an exception that is not a std::exception") !=
          std::string::npos);
    CHECK(out.find("quiet") == std::string::npos);
    // What `detached` did instead: the same exception, and not a word.
    auto dropped = logged([] {
        net::io_context io;
        net::co_spawn(io, throws_std(), net::detached);
        io.run();
    });
    CHECK(dropped.empty());
}
