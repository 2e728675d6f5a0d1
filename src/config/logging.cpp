#include "config/logging.hpp"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "base/text.hpp"

namespace sy::config {

namespace {

spdlog::level::level_enum level_of(std::string_view level) {
    const std::string l = ascii_lower(level);
    if (l == "trace") return spdlog::level::trace;
    if (l == "debug") return spdlog::level::debug;
    if (l == "info") return spdlog::level::info;
    if (l == "warn" || l == "warning") return spdlog::level::warn;
    if (l == "fatal" || l == "panic") return spdlog::level::critical;
    return spdlog::level::err;  // Traefik's default, and what an unknown level falls back to
}

/// The message as a JSON string body (quotes, backslashes and control bytes escaped).
class json_message final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        static constexpr char hex[] = "0123456789abcdef";
        for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
            switch (c) {
                case '"': dest.append(std::string_view("\\\"")); break;
                case '\\': dest.append(std::string_view("\\\\")); break;
                case '\n': dest.append(std::string_view("\\n")); break;
                case '\r': dest.append(std::string_view("\\r")); break;
                case '\t': dest.append(std::string_view("\\t")); break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        const char esc[] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xf], hex[c & 0xf]};
                        dest.append(esc, esc + sizeof esc);
                    } else {
                        dest.push_back(c);
                    }
            }
        }
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_message>(); }
};

}  // namespace

void apply_logging(const log_config& log) {
    spdlog::sink_ptr sink;
    if (log.file_path.empty())
        sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    else
        sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(log.file_path, false);
    // One logging thread; 8192 queued lines. overrun_oldest: a full queue drops its oldest line, the caller (a
    // worker logging a failed dial, say) never waits for the output.
    if (!spdlog::thread_pool()) spdlog::init_thread_pool(8192, 1);
    auto logger = std::make_shared<spdlog::async_logger>("switchyard", sink, spdlog::thread_pool(),
                                                         spdlog::async_overflow_policy::overrun_oldest);
    if (ascii_lower(log.format) == "json") {
        // zerolog's field names, as Traefik writes them.
        auto f = std::make_unique<spdlog::pattern_formatter>();
        f->add_flag<json_message>('*').set_pattern(R"({"level":"%l","time":"%Y-%m-%dT%H:%M:%S%z","message":"%*"})");
        logger->set_formatter(std::move(f));
    } else {
        // Traefik's console format: "2024-01-02T15:04:05Z INF message".
        logger->set_pattern("%Y-%m-%dT%H:%M:%S%z %^%L%$ %v");
    }
    logger->set_level(level_of(log.level));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

bool finish_logging(std::chrono::milliseconds limit) {
    struct done_flag {
        std::mutex mutex;
        std::condition_variable cv;
        bool done = false;
    };
    auto flag = std::make_shared<done_flag>();
    std::thread([flag] {
        spdlog::shutdown();  // flushes the queue and joins the logging thread
        std::lock_guard lock(flag->mutex);
        flag->done = true;
        flag->cv.notify_all();
    }).detach();
    std::unique_lock lock(flag->mutex);
    return flag->cv.wait_for(lock, limit, [&] { return flag->done; });
}

}  // namespace sy::config
