#include "health/prober.hpp"

#include <future>
#include <map>
#include <random>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "base/concat.hpp"
#include "health/health_machine.hpp"
#include "health/probe.hpp"
#include "telemetry/log_exception.hpp"

namespace sy::health {

namespace {

namespace net = boost::asio;

std::string services_text(const std::vector<std::string>& services) {
    std::string out;
    for (const auto& s : services) out += (out.empty() ? "\"" : ", \"") + s + "\"";
    return concat(services.size() == 1 ? "service " : "services ", out);
}

struct loop_state {
    loop_state(net::io_context& ctx, runtime::probe_target t, double phase)
        : target(std::move(t)),
          machine({target.check.interval, target.check.unhealthy_interval}, clock::now(), phase,
                  target.health->up()),
          timer(ctx) {}
    runtime::probe_target target;
    health_machine machine;
    net::steady_timer timer;
    bool stopped = false;
};

net::awaitable<void> run_loop(std::shared_ptr<loop_state> s) {
    while (!s->stopped) {
        s->timer.expires_at(s->machine.next_probe());
        co_await s->timer.async_wait(net::as_tuple(net::use_awaitable));
        if (s->stopped) break;
        probe_result r = co_await probe_once(s->target);
        if (s->stopped) break;
        auto& h = *s->target.health;
        const change c = s->machine.on_result(r.ok, h.up(), clock::now());
        if (c == change::none || !h.set(c == change::went_up)) continue;
        // Once per transition, with the reason (Traefik logs every failed probe; one line per change is enough to
        // know what happened and does not flood the log while a server stays down).
        if (c == change::went_down)
            spdlog::warn("server {} of {} is DOWN: health check failed: {}", s->target.address,
                         services_text(s->target.services), r.why);
        else
            spdlog::info("server {} of {} is UP: health check passed", s->target.address,
                         services_text(s->target.services));
    }
}

}  // namespace

struct prober::impl {
    net::io_context ctx{1};
    net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ctx);
    std::map<std::string, std::shared_ptr<loop_state>> loops;
    std::mt19937_64 random{std::random_device{}()};
    std::thread thread;

    void apply(std::vector<runtime::probe_target> targets) {
        std::map<std::string, runtime::probe_target> wanted;
        for (auto& t : targets) wanted.emplace(t.key, std::move(t));
        for (auto it = loops.begin(); it != loops.end();) {
            auto w = wanted.find(it->first);
            if (w == wanted.end()) {
                it->second->stopped = true;
                it->second->timer.cancel();
                it = loops.erase(it);
                continue;
            }
            it->second->target.services = std::move(w->second.services);  // for the logs; the check is the same
            wanted.erase(w);
            ++it;
        }
        std::uniform_real_distribution<double> phase(0.0, 1.0);
        for (auto& [key, t] : wanted) {
            if (!t.health) continue;
            auto s = std::make_shared<loop_state>(ctx, std::move(t), phase(random));
            loops.emplace(key, s);
            net::co_spawn(ctx, run_loop(s),
                          telemetry::log_exception(concat("health check of ", key, ": stopped probing"), true));
        }
    }
};

prober::prober() : impl_(std::make_unique<impl>()) {
    impl_->thread = std::thread([this] { impl_->ctx.run(); });
}

prober::~prober() {
    // Probes under way are abandoned, not awaited (a timeout could hold the exit for seconds): their frames go
    // with the io_context.
    net::post(impl_->ctx, [this] {
        impl_->apply({});
        impl_->ctx.stop();
    });
    impl_->thread.join();
}

void prober::update(std::vector<runtime::probe_target> targets) {
    net::post(impl_->ctx, [this, t = std::move(targets)]() mutable { impl_->apply(std::move(t)); });
}

size_t prober::running() {
    std::promise<size_t> p;
    auto f = p.get_future();
    net::post(impl_->ctx, [&] { p.set_value(impl_->loops.size()); });
    return f.get();
}

}  // namespace sy::health
