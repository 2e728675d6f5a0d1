// The TCP access log: formatting (pure) and a buffered, thread-safe file sink that logrotate can move away.
// Traefik has no TCP access log (traefik/traefik#7800); the field names of the json format follow Traefik's HTTP
// access log where a TCP equivalent exists (ClientAddr, RouterName, ServiceName, ServiceAddr, Duration, StartUTC).
#include "telemetry/access_log.hpp"

#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "telemetry/json_text.hpp"

namespace sy::telemetry {
namespace {

/// "[25/Nov/2026:11:45:47 +0000]" without brackets: Common Log Format's time, in UTC.
std::string clf_time(std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    return buf;
}

/// RFC 3339 with nanoseconds, as Go's time.RFC3339Nano prints StartUTC.
std::string rfc3339(std::chrono::system_clock::time_point t) {
    auto since = t.time_since_epoch();
    auto secs = std::chrono::floor<std::chrono::seconds>(since);
    auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count();
    std::time_t tt = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(nanos));
    return buf;
}

/// host and port of "1.2.3.4:5" or "[::1]:5"; the whole text as host when there is no port.
std::pair<std::string, std::string> split_client(const std::string& addr) {
    auto colon = addr.rfind(':');
    if (colon == std::string::npos || (addr.find(':') != colon && addr.front() != '[')) return {addr, ""};
    std::string host = addr.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return {host, addr.substr(colon + 1)};
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string format_common(const access_record& r) {
    // Common Log Format shape, TCP flavoured: the "request" is the protocol, entrypoint and SNI, the status is how the
    // connection ended, then bytes client→backend and backend→client, then Traefik's CLF tail (router, service,
    // server, duration in ms).
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.duration).count();
    std::string line;
    line.reserve(160);
    line += or_dash(r.client);
    line += " - - [";
    line += clf_time(r.start);
    line += "] \"TCP ";
    line += or_dash(r.entry_point);
    line += ' ';
    line += or_dash(r.sni);
    line += "\" ";
    line += to_string(r.end);
    line += ' ';
    line += std::to_string(r.bytes_in);
    line += ' ';
    line += std::to_string(r.bytes_out);
    line += " \"";
    line += or_dash(r.router);
    line += "\" \"";
    line += or_dash(r.service);
    line += "\" \"";
    line += or_dash(r.server);
    line += "\" ";
    line += std::to_string(ms);
    line += "ms";
    return line;
}

std::string format_json(const access_record& r) {
    auto [host, port] = split_client(r.client);
    std::string line = "{";
    auto field = [&line](std::string_view key, std::string_view value) {
        if (line.size() > 1) line += ',';
        append_json_string(line, key);
        line += ':';
        append_json_string(line, value);
    };
    auto number = [&line](std::string_view key, long long value) {
        if (line.size() > 1) line += ',';
        append_json_string(line, key);
        line += ':';
        line += std::to_string(value);
    };
    field("StartUTC", rfc3339(r.start));
    number("Duration", static_cast<long long>(r.duration.count()));
    field("ClientAddr", r.client);
    field("ClientHost", host);
    field("ClientPort", port);
    field("entryPointName", r.entry_point);
    field("RouterName", r.router);
    field("ServiceName", r.service);
    field("ServiceAddr", r.server);
    field("TLSServerName", r.sni);
    number("RequestContentSize", static_cast<long long>(r.bytes_in));
    number("DownstreamContentSize", static_cast<long long>(r.bytes_out));
    field("End", to_string(r.end));
    line += '}';
    return line;
}

/// Lines are formatted on the caller's thread and appended to memory under a lock held for the append only; one
/// writer thread of the log's own swaps the buffer out and does every write. The writer is woken when the buffer
/// stops being empty (bufferingSize 0) or grows past bufferingSize lines, so a busy router costs one wake-up per
/// batch, not one per line; it also writes out at least once a second. The state is shared with the writer thread:
/// a writer stuck on a stalled pipe at exit is left behind (detached) instead of hanging the process.
class file_access_log final : public access_log {
public:
    /// More than this in memory means the output does not keep up: further lines are dropped, and counted.
    static constexpr std::size_t max_buffered_bytes = 8 << 20;

    file_access_log(std::string path, std::string format, std::size_t buffer_lines)
        : state_(std::make_shared<state>()), format_(std::move(format)) {
        state_->path = std::move(path);
        state_->buffer_lines = buffer_lines;
        state_->open_or_throw();
        writer_ = std::thread([s = state_] { s->run(); });
    }

    ~file_access_log() override {
        {
            std::lock_guard lock(state_->mutex);
            state_->stopping = true;
        }
        state_->wake.notify_all();
        std::unique_lock lock(state_->mutex);
        const bool done = state_->finished_cv.wait_for(lock, std::chrono::seconds(2), [&] { return state_->finished; });
        lock.unlock();
        if (done)
            writer_.join();
        else
            writer_.detach();  // blocked on its output: it keeps its own reference to the state
    }

    void write(const access_record& r) override {
        std::string line = format_access_record(r, format_);
        line += '\n';
        bool wake = false;
        {
            std::lock_guard lock(state_->mutex);
            auto& st = *state_;
            if (st.buffer.size() + line.size() > max_buffered_bytes) {
                ++st.dropped;
                return;
            }
            st.buffer += line;
            ++st.pending;
            wake = st.buffer_lines == 0 ? st.pending == 1 : st.pending == st.buffer_lines + 1;
        }
        if (wake) state_->wake.notify_one();
    }

    /// The writer reopens the file before its next write (so a writer stuck on its output never holds up the
    /// caller, the control thread on SIGUSR1).
    void reopen() override {
        {
            std::lock_guard lock(state_->mutex);
            state_->reopen_wanted = true;
        }
        flush();
    }

    /// Has the writer thread write out what is buffered now, and waits for it 2 s at most: the output may be a
    /// stalled pipe, and the caller (SIGUSR1, exit) must not hang on it.
    void flush() override {
        std::unique_lock lock(state_->mutex);
        const uint64_t want = ++state_->flush_requested;
        state_->wake.notify_all();
        state_->flushed_cv.wait_for(lock, std::chrono::seconds(2), [&] { return state_->flushed >= want; });
    }

private:
    struct state {
        std::string path;
        std::size_t buffer_lines = 0;
        std::mutex mutex;  ///< the buffer and the flags
        std::condition_variable wake;
        std::condition_variable finished_cv;
        std::condition_variable flushed_cv;
        uint64_t flush_requested = 0;  ///< flush() calls so far
        uint64_t flushed = 0;          ///< of those, served by the writer
        bool reopen_wanted = false;
        std::string buffer;
        std::size_t pending = 0;
        std::size_t dropped = 0;
        bool stopping = false;
        bool finished = false;
        std::FILE* file = nullptr;  ///< touched by the writer thread only (after the constructor)

        ~state() {
            if (file && file != stdout) std::fclose(file);
        }

        void open_or_throw() {
            if (path.empty()) {
                file = stdout;
                return;
            }
            file = std::fopen(path.c_str(), "a");
            if (!file) throw std::runtime_error("accessLog.filePath: cannot open \"" + path + "\" for appending");
        }

        void write_out() {
            std::string out;
            std::size_t lost = 0;
            bool reopen = false;
            {
                std::lock_guard lock(mutex);
                out.swap(buffer);
                pending = 0;
                lost = std::exchange(dropped, 0);
                reopen = std::exchange(reopen_wanted, false);
            }
            if (file && !out.empty()) {
                // Lines written before a reopen belong to the old file.
                std::fwrite(out.data(), 1, out.size(), file);
                std::fflush(file);
            }
            if (lost > 0) spdlog::warn("access log: {} lines dropped: its output did not keep up", lost);
            if (reopen && !path.empty()) {
                // After logrotate moved the file away; a failure keeps writing to the old one rather than lose lines.
                if (std::FILE* fresh = std::fopen(path.c_str(), "a")) {
                    if (file && file != stdout) std::fclose(file);
                    file = fresh;
                }
            }
        }

        void run() {
            std::unique_lock lock(mutex);
            while (!stopping) {
                const bool due = wake.wait_for(lock, std::chrono::seconds(1), [&] {
                    return stopping || flushed < flush_requested ||
                           (buffer_lines == 0 ? pending > 0 : pending > buffer_lines);
                });
                const uint64_t serving = flush_requested;
                if (due && !stopping && flushed == serving) {
                    // Let a burst gather: one write for many lines.
                    lock.unlock();
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    lock.lock();
                }
                lock.unlock();
                write_out();
                lock.lock();
                if (serving > flushed) {
                    flushed = serving;
                    flushed_cv.notify_all();
                }
            }
            lock.unlock();
            write_out();
            lock.lock();
            finished = true;
            finished_cv.notify_all();
        }
    };

    std::shared_ptr<state> state_;
    std::string format_;
    std::thread writer_;
};

}  // namespace

std::string format_access_record(const access_record& r, const std::string& format) {
    return format == "json" ? format_json(r) : format_common(r);
}

std::unique_ptr<access_log> make_access_log(const std::string& path, const std::string& format) {
    return make_access_log(path, format, 0);
}

std::unique_ptr<access_log> make_access_log(const std::string& path, const std::string& format,
                                            std::size_t buffering_size) {
    return std::make_unique<file_access_log>(path, format, buffering_size);
}

}  // namespace sy::telemetry
