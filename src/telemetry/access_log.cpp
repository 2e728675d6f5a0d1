// The TCP access log: formatting (pure) and a buffered, thread-safe file sink that logrotate can move away.
// Traefik has no TCP access log (traefik/traefik#7800); the field names of the json format follow Traefik's HTTP
// access log where a TCP equivalent exists (ClientAddr, RouterName, ServiceName, ServiceAddr, Duration, StartUTC).
#include "telemetry/access_log.hpp"

#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <thread>

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
    line += or_dash(r.end);
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
    field("End", r.end);
    line += '}';
    return line;
}

/// Lines are formatted outside the lock; the lock covers only appending to the buffer and writing it out. A
/// background thread flushes once a second so a quiet router's last lines still reach the file promptly.
class file_access_log final : public access_log {
public:
    file_access_log(std::string path, std::string format, std::size_t buffer_lines)
        : path_(std::move(path)), format_(std::move(format)), buffer_lines_(buffer_lines) {
        open_or_throw();
        if (buffer_lines_ > 0)
            flusher_ = std::jthread([this](std::stop_token stop) { flush_loop(stop); });
    }

    ~file_access_log() override {
        if (flusher_.joinable()) {
            flusher_.request_stop();
            wake_.notify_all();
            flusher_.join();
        }
        std::lock_guard lock(mutex_);
        write_out();
        if (file_ && file_ != stdout) std::fclose(file_);
    }

    void write(const access_record& r) override {
        std::string line = format_access_record(r, format_);
        line += '\n';
        std::lock_guard lock(mutex_);
        buffer_ += line;
        if (++pending_ > buffer_lines_) write_out();
    }

    void reopen() override {
        std::lock_guard lock(mutex_);
        write_out();
        if (path_.empty()) return;
        std::FILE* fresh = std::fopen(path_.c_str(), "a");
        if (!fresh) return;  // keep writing to the old file rather than lose lines
        if (file_) std::fclose(file_);
        file_ = fresh;
    }

    void flush() override {
        std::lock_guard lock(mutex_);
        write_out();
    }

private:
    void open_or_throw() {
        if (path_.empty()) {
            file_ = stdout;
            return;
        }
        file_ = std::fopen(path_.c_str(), "a");
        if (!file_) throw std::runtime_error("accessLog.filePath: cannot open \"" + path_ + "\" for appending");
    }

    void write_out() {
        if (!buffer_.empty() && file_) {
            std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
            std::fflush(file_);
        }
        buffer_.clear();
        pending_ = 0;
    }

    void flush_loop(std::stop_token stop) {
        std::unique_lock lock(mutex_);
        while (!stop.stop_requested()) {
            wake_.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
            write_out();
        }
    }

    std::string path_;
    std::string format_;
    std::size_t buffer_lines_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::FILE* file_ = nullptr;
    std::string buffer_;
    std::size_t pending_ = 0;
    std::jthread flusher_;
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
