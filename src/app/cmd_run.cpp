// `switchyard` (run): wires the pipeline. Providers push whole configurations into the throttled aggregator on the
// control io_context; each merged configuration becomes one immutable snapshot, published by pointer to the
// forwarder's workers and to the API. Exceptions escape only from start-up (bad flags, a port that cannot be bound).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "aggregator/throttle.hpp"
#include "api/server.hpp"
#include "app/commands.hpp"
#include "app/environment.hpp"
#include "config/load_static.hpp"
#include "config/logging.hpp"
#include "forwarder/server.hpp"
#include "providers/docker/docker_provider.hpp"
#include "providers/file/file_provider.hpp"
#include "runtime/build.hpp"
#include "telemetry/access_log.hpp"

namespace sy::app {
namespace {

namespace net = boost::asio;

/// One line per element that is not enabled, so a label mistake is visible in the log, not only in the API
/// (Traefik logs most of these at debug level or not at all).
void log_statuses(const runtime::snapshot& snap, const runtime::snapshot* previous) {
    auto report = [&](const char* kind, const auto& infos, const auto* before) {
        for (const auto& [name, info] : infos) {
            if (info.state == runtime::status::enabled) continue;
            if (before) {
                auto it = before->find(name);
                if (it != before->end() && it->second.state == info.state && it->second.errors == info.errors) continue;
            }
            std::string errors;
            for (const auto& e : info.errors) errors += (errors.empty() ? "" : "; ") + e;
            if (info.state == runtime::status::disabled)
                spdlog::error("{} \"{}\" disabled: {}", kind, name, errors);
            else
                spdlog::warn("{} \"{}\": {}", kind, name, errors);
        }
    };
    report("router", snap.routers, previous ? &previous->routers : nullptr);
    report("service", snap.services, previous ? &previous->services : nullptr);
    report("middleware", snap.middlewares, previous ? &previous->middlewares : nullptr);
}

}  // namespace

int cmd_run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const auto& a : args) {
        if (a == "--help" || a == "-h" || a == "help") {
            std::fputs(config::static_help().c_str(), stdout);
            return 0;
        }
    }
    auto loaded = config::load_static(args, process_environment());
    if (!loaded) {
        std::fprintf(stderr, "switchyard: %s\n", loaded.error().to_string().c_str());
        return 1;
    }
    const config::static_config statics = std::move(*loaded);
    config::apply_logging(statics.log);
    spdlog::info("static configuration from {}", statics.loaded_from);
    for (const auto& w : statics.warnings) spdlog::warn("{}", w);
    for (const auto& key : statics.ignored_keys)
        spdlog::warn("{}: ignored (a Traefik setting Switchyard does not use: it routes TCP only)", key);

    telemetry::registry counters;
    std::unique_ptr<telemetry::access_log> access;
    if (statics.access_log.enabled)
        access = telemetry::make_access_log(statics.access_log.file_path, statics.access_log.format,
                                              statics.access_log.buffering_size);

    net::io_context control{1};
    // Before any port is bound: a SIGTERM that arrives as soon as a port answers must stop us cleanly.
    net::signal_set stop_signals(control, SIGINT, SIGTERM);
    forwarder::server forward(statics, counters, access.get());
    api::api_server api(control.get_executor(), statics, counters);
    forward.start();
    api.start();

    std::shared_ptr<const runtime::snapshot> current;
    uint64_t generation = 0;
    auto publish = [&](const aggregator::merged_config& merged) {
        auto snap = runtime::build(statics, merged, counters, ++generation);
        log_statuses(*snap, current.get());
        forward.publish(snap);
        api.publish(snap);
        current = snap;
        counters.reloads_total.fetch_add(1, std::memory_order_relaxed);
        counters.last_reload_success_unix.store(
            std::chrono::duration_cast<std::chrono::seconds>(snap->built_at.time_since_epoch()).count(),
            std::memory_order_relaxed);
        spdlog::info("configuration {} applied: {} routers, {} services", generation, snap->routers.size(),
                     snap->services.size());
    };
    publish(aggregator::merged_config{});  // the API answers, and connections are refused cleanly, before providers report

    aggregator::throttled_aggregator aggregate(control.get_executor(), statics.providers_throttle_duration, publish);
    auto sink = [&](config::provider_message m) { aggregate.push(std::move(m)); };
    if (statics.file.enabled) net::co_spawn(control, providers::run_file_provider(statics.file, sink), net::detached);
    if (statics.docker.enabled)
        net::co_spawn(control, providers::run_docker_provider(statics.docker, sink), net::detached);

    std::thread stopper;
    stop_signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        spdlog::info("signal {}: stopping (at most {})", sig, format_duration(forwarder::longest_stop(statics)));
        // From now on /ping answers 503, also while entrypoints keep accepting for requestAcceptGraceTimeout.
        api.set_shutting_down();
        // The forwarder drains on its own threads; the control loop keeps serving /ping (503) meanwhile.
        stopper = std::thread([&] {
            forward.stop();  // each entrypoint's requestAcceptGraceTimeout, then graceTimeOut
            net::post(control, [&] {
                api.stop();
                control.stop();
            });
        });
    });
    net::signal_set reopen_signal(control, SIGUSR1);
    std::function<void()> wait_reopen = [&] {
        reopen_signal.async_wait([&](boost::system::error_code ec, int) {
            if (ec) return;
            if (access) access->reopen();
            wait_reopen();
        });
    };
    wait_reopen();

    control.run();
    if (stopper.joinable()) stopper.join();
    if (access) access->flush();
    spdlog::info("stopped");
    return 0;
}

}  // namespace sy::app
