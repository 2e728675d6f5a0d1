// `switchyard` (run): wires the pipeline. Providers push whole configurations into the throttled aggregator on the
// control io_context; each merged configuration becomes one immutable snapshot, published by pointer to the
// forwarder's workers and to the API. Exceptions escape only from start-up (bad flags, a port that cannot be bound).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "aggregator/throttle.hpp"
#include "api/server.hpp"
#include "bans/ban_list.hpp"
#include "bans/crowdsec_bouncer.hpp"
#include "app/commands.hpp"
#include "app/element_status.hpp"
#include "app/environment.hpp"
#include "config/load_static.hpp"
#include "config/logging.hpp"
#include "forwarder/server.hpp"
#include "health/prober.hpp"
#include "providers/docker/docker_provider.hpp"
#include "providers/swarm/swarm_provider.hpp"
#include "providers/file/file_provider.hpp"
#include "runtime/build.hpp"
#include "telemetry/access_log.hpp"
#include "telemetry/log_exception.hpp"
#include "tls/pem_source.hpp"

namespace sy::app {
namespace {

namespace net = boost::asio;

/// One line per element that is not enabled, so a label mistake is visible in the log, not only in the API
/// (Traefik logs most of these at debug level or not at all); an element already reported the same way is not.
void log_statuses(const runtime::snapshot& snap, const runtime::snapshot* previous) {
    const auto before = previous ? not_enabled(*previous) : std::vector<element_status>{};
    for (const auto& e : not_enabled(snap)) {
        if (std::find(before.begin(), before.end(), e) != before.end()) continue;
        if (e.state == runtime::status::disabled)
            spdlog::error("{} \"{}\" disabled: {}", e.kind, e.name, joined(e.errors));
        else
            spdlog::warn("{} \"{}\": {}", e.kind, e.name, joined(e.errors));
    }
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

    telemetry::registry counters(forwarder::worker_count(statics));
    runtime::live_state live;
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
    health::prober probes;  // its own thread: probes never run on a worker

    std::shared_ptr<const runtime::snapshot> current;
    aggregator::merged_config last_merged;
    uint64_t generation = 0;
    std::vector<std::string> last_conflicts;  // logged once each, like log_statuses
    auto publish = [&](const aggregator::merged_config& merged) {
        if (&merged != &last_merged) last_merged = merged;
        auto snap = runtime::build(statics, merged, counters, ++generation, &live);
        // Series and inFlightConn tables of routers, services and servers gone from the configuration for a while
        // leave the registry, so /metrics stays bounded while containers come and go (old snapshots still held by
        // long connections keep what they use alive).
        const auto cutoff = std::chrono::steady_clock::now() - telemetry::forget_after;
        counters.forget_unused(cutoff);
        live.forget_unused(cutoff);
        log_statuses(*snap, current.get());
        for (const auto& c : merged.conflicts)
            if (std::find(last_conflicts.begin(), last_conflicts.end(), c) == last_conflicts.end())
                spdlog::error("{}", c);
        last_conflicts = merged.conflicts;
        forward.publish(snap);
        api.publish(snap);
        probes.update(snap->probes);
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
    // A provider that ends by an exception stops watching; the routes it gave stay, and the log says why.
    if (statics.file.enabled)
        net::co_spawn(control, providers::run_file_provider(statics.file, sink),
                      telemetry::log_exception("file provider: stopped watching, routes kept", true));
    if (statics.docker.enabled)
        net::co_spawn(control, providers::run_docker_provider(statics.docker, sink),
                      telemetry::log_exception("docker provider: stopped watching, routes kept", true));
    if (statics.swarm.enabled)
        net::co_spawn(control, providers::run_swarm_provider(statics.swarm, sink),
                      telemetry::log_exception("swarm provider: stopped watching, routes kept", true));
    // The ban list's sources (the file, CrowdSec) are read on the control thread and merged into one set; the
    // workers get the finished set by pointer, and only when it changed (a pull that found nothing new does not
    // make them look at every open connection again).
    std::optional<bans::ban_sources> ban_sources;
    if (statics.ban_list.enabled()) {
        auto publish_bans = [&, last = std::shared_ptr<const bans::ban_set>()](
                                std::shared_ptr<const bans::ban_list_version> v) mutable {
            if (v->set != last) forward.publish_bans(last = v->set);
            api.publish_bans(std::move(v));
        };
        ban_sources.emplace(statics.ban_list.filename, statics.ban_list.entry_points, statics.ban_list.crowdsec.url,
                            std::move(publish_bans));
        if (!statics.ban_list.filename.empty())
            net::co_spawn(control, bans::run_ban_list(statics.ban_list, *ban_sources),
                          telemetry::log_exception("ban list: stopped watching, last list kept", true));
        if (!statics.ban_list.crowdsec.url.empty())
            net::co_spawn(control,
                          bans::run_crowdsec_bouncer(statics.ban_list.crowdsec,
                                                     [&](bans::crowdsec_status st, const std::vector<bans::ban_entry>* d) {
                                                         ban_sources->crowdsec_pulled(std::move(st), d, bans::unix_now());
                                                     }),
                          telemetry::log_exception("crowdsec: stopped pulling, last decisions kept", true));
    }

    // Certificate, key and CA files are read by each build; one that changes on disk (a renewal, a rotation) makes
    // the next build, so new handshakes use it while open sessions go on with the old one. Polled: a stat() per
    // file per second, which also sees a file replaced by a rename or appearing where one was missing.
    net::steady_timer tls_files(control);
    std::function<void()> watch_tls_files = [&] {
        tls_files.expires_after(std::chrono::seconds(1));
        tls_files.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            if (current && current->tls && tls::any_changed(current->tls->files)) {
                spdlog::info("a TLS certificate, key or CA file changed on disk: rebuilding");
                publish(last_merged);
            }
            watch_tls_files();
        });
    };
    watch_tls_files();

    // A jthread: were control.run() to end by an exception during the drain, the stopper would be joined on the
    // way out rather than destroyed joinable (std::terminate).
    std::jthread stopper;
    stop_signals.async_wait([&](boost::system::error_code ec, int sig) {
        if (ec) return;
        spdlog::info("signal {}: stopping (at most {})", sig, format_duration(forwarder::longest_stop(statics)));
        // From now on /ping answers 503, also while entrypoints keep accepting for requestAcceptGraceTimeout.
        api.set_shutting_down();
        // The forwarder drains on its own threads; the control loop keeps serving /ping (503) meanwhile.
        stopper = std::jthread([&] {
            forward.stop();  // each entrypoint's requestAcceptGraceTimeout, then graceTimeOut
            net::post(control, [&] {
                api.stop();
                tls_files.cancel();
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
    access.reset();
    // The log's output may be a pipe nobody reads any more: do not hang the exit on it.
    if (!config::finish_logging(std::chrono::seconds(2))) std::_Exit(0);
    return 0;
}

}  // namespace sy::app
