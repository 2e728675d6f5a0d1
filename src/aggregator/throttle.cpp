#include "aggregator/throttle.hpp"

#include <map>
#include <optional>
#include <string>

#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>

namespace sy::aggregator {

namespace {
bool same_message(const config::provider_message& a, const config::provider_message& b) {
    return a.config == b.config && a.findings == b.findings && a.docker_gateways == b.docker_gateways;
}
}  // namespace

// Shared with the timer's handler so that a handler that runs after the aggregator is gone finds `alive` false.
struct throttled_aggregator::state {
    state(boost::asio::any_io_executor ex, duration w, callback cb)
        : timer(std::move(ex)), window(w), on_change(std::move(cb)) {}

    boost::asio::steady_timer timer;
    duration window;
    callback on_change;
    std::map<std::string, config::provider_message> latest;
    std::optional<merged_config> last_emitted;
    bool window_open = false;
    bool dirty = false;
    bool alive = true;
    uint64_t updates = 0;

    void emit() {
        merged_config merged = merge(latest);
        if (last_emitted && *last_emitted == merged) return;
        last_emitted = merged;
        ++updates;
        on_change(*last_emitted);
    }

    static void open_window(const std::shared_ptr<state>& self) {
        self->window_open = true;
        self->timer.expires_after(self->window);
        self->timer.async_wait([self](boost::system::error_code ec) {
            if (!self->alive || ec == boost::asio::error::operation_aborted) return;
            if (self->dirty) {
                self->dirty = false;
                self->emit();
                open_window(self);  // the trailing update starts a window of its own: at most one per window
            } else {
                self->window_open = false;
            }
        });
    }
};

throttled_aggregator::throttled_aggregator(boost::asio::any_io_executor executor, duration window,
                                           callback on_change)
    : state_(std::make_shared<state>(std::move(executor), window, std::move(on_change))) {}

throttled_aggregator::~throttled_aggregator() {
    state_->alive = false;
    state_->timer.cancel();
}

void throttled_aggregator::push(config::provider_message msg) {
    auto& s = *state_;
    auto it = s.latest.find(msg.provider);
    if (it != s.latest.end() && same_message(it->second, msg)) return;
    std::string provider = msg.provider;
    s.latest.insert_or_assign(std::move(provider), std::move(msg));
    if (s.window <= duration::zero()) {
        s.emit();
        return;
    }
    if (s.window_open) {
        s.dirty = true;
        return;
    }
    s.emit();
    state::open_window(state_);
}

uint64_t throttled_aggregator::updates() const { return state_->updates; }

}  // namespace sy::aggregator
