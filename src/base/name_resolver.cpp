#include "base/name_resolver.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sy {

void answer_gate::close() {
    std::lock_guard lock(mutex_);
    open_ = false;
}

void answer_gate::deliver(std::function<void()> f) {
    // Posting under the lock: close() cannot complete, and so the io_context cannot be destroyed, meanwhile.
    std::lock_guard lock(mutex_);
    if (open_) boost::asio::post(ex_, std::move(f));
}

namespace {

std::mutex test_lookup_mutex;
std::function<std::optional<name_answer>(const std::string&)> test_lookup;

name_answer resolve_now(const std::string& host) {
    {
        std::unique_lock lock(test_lookup_mutex);
        if (auto fake = test_lookup) {
            lock.unlock();
            if (auto a = fake(host)) return *a;
        }
    }
    name_answer out;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
    if (rc != 0) {
        out.error = rc == EAI_SYSTEM ? "system error" : ::gai_strerror(rc);
        return out;
    }
    for (auto* ai = list; ai; ai = ai->ai_next) {
        boost::asio::ip::address a;
        if (ai->ai_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
            boost::asio::ip::address_v4::bytes_type b;
            std::memcpy(b.data(), &sin->sin_addr, 4);
            a = boost::asio::ip::address_v4(b);
        } else if (ai->ai_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
            boost::asio::ip::address_v6::bytes_type b;
            std::memcpy(b.data(), &sin6->sin6_addr, 16);
            a = boost::asio::ip::address_v6(b, sin6->sin6_scope_id);
        } else {
            continue;
        }
        bool seen = false;
        for (const auto& x : out.addresses) seen = seen || x == a;
        if (!seen) out.addresses.push_back(a);
    }
    ::freeaddrinfo(list);
    if (out.addresses.empty()) out.error = "no address";
    return out;
}

/// The resolver threads and their queue. Never destroyed: a thread may still sit in getaddrinfo when the process
/// exits, and must not find its queue gone.
class resolver {
public:
    static resolver& instance() {
        static resolver* r = new resolver;
        return *r;
    }

    void lookup(const std::string& host, std::shared_ptr<answer_gate> gate,
                std::function<void(const name_answer&)> done) {
        std::lock_guard lock(mutex_);
        auto& waiting = waiters_[host];
        const bool start = waiting.empty();
        waiting.push_back({std::move(gate), std::move(done)});
        if (start) {
            queue_.push_back(host);
            wake_.notify_one();
        }
    }

private:
    struct waiter {
        std::shared_ptr<answer_gate> gate;
        std::function<void(const name_answer&)> done;
    };

    /// A few threads: one name whose DNS server does not answer must not queue every other lookup behind it.
    static constexpr int threads = 4;

    resolver() {
        for (int i = 0; i < threads; ++i) std::thread([this] { run(); }).detach();
    }

    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            wake_.wait(lock, [&] { return !queue_.empty(); });
            const std::string host = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            auto answer = std::make_shared<const name_answer>(resolve_now(host));
            lock.lock();
            auto waiting = std::move(waiters_[host]);
            waiters_.erase(host);
            lock.unlock();
            for (auto& w : waiting) w.gate->deliver([answer, done = std::move(w.done)] { done(*answer); });
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    std::map<std::string, std::vector<waiter>> waiters_;
};

}  // namespace

boost::asio::awaitable<std::optional<name_answer>> lookup_within(std::string host, std::chrono::nanoseconds limit) {
    namespace net = boost::asio;
    auto ex = co_await net::this_coro::executor;
    struct wait_state {
        explicit wait_state(const net::any_io_executor& e) : timer(e) {}
        net::steady_timer timer;
        std::optional<name_answer> answer;
    };
    auto st = std::make_shared<wait_state>(ex);
    auto gate = std::make_shared<answer_gate>(ex);
    // The answer comes on this same executor: it cancels the wait, which then finds it.
    lookup_host(host, gate, [st](const name_answer& a) {
        st->answer = a;
        st->timer.cancel();
    });
    st->timer.expires_after(std::chrono::duration_cast<net::steady_timer::duration>(limit));
    if (!st->answer) co_await st->timer.async_wait(net::as_tuple(net::use_awaitable));
    gate->close();
    co_return st->answer;
}

void set_lookup_for_tests(std::function<std::optional<name_answer>(const std::string&)> lookup) {
    std::lock_guard lock(test_lookup_mutex);
    test_lookup = std::move(lookup);
}

void lookup_host(const std::string& host, std::shared_ptr<answer_gate> gate,
                 std::function<void(const name_answer&)> done) {
    resolver::instance().lookup(host, std::move(gate), std::move(done));
}

}  // namespace sy
