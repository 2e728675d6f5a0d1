#pragma once
// The TCP access log Traefik lacks (traefik/traefik#7800): one line per finished connection.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace sy::telemetry {

struct access_record {
    std::chrono::system_clock::time_point start;
    std::chrono::nanoseconds duration{0};
    std::string client;       ///< ip:port, after a trusted PROXY header
    std::string entry_point;
    std::string router;       ///< empty when nothing matched
    std::string service;
    std::string server;       ///< the backend address dialled
    std::string sni;
    uint64_t bytes_in = 0;    ///< client → backend
    uint64_t bytes_out = 0;   ///< backend → client
    std::string end;          ///< how it ended: "closed", "no_route", "dial_failed", "dial_timeout", "refused_allow_list",
                              ///< "refused_in_flight", "untrusted_proxy", "peek_timeout", "reset", "shutdown"
};

/// Thread-safe sink; buffered; reopen() after logrotate moved the file (SIGUSR1).
class access_log {
public:
    virtual ~access_log() = default;
    virtual void write(const access_record& r) = 0;
    virtual void reopen() = 0;
    virtual void flush() = 0;
};

/// format: "common" or "json"; path empty = stdout. Writes each line through (accessLog.bufferingSize = 0).
/// Throws at start-up, naming the path, when the file cannot be opened.
std::unique_ptr<access_log> make_access_log(const std::string& path, const std::string& format);

/// As above, keeping up to `buffering_size` lines in memory (accessLog.bufferingSize); buffered lines are also
/// written out at least once a second, on flush(), reopen() and destruction.
std::unique_ptr<access_log> make_access_log(const std::string& path, const std::string& format,
                                            std::size_t buffering_size);

/// One line, without the newline (for tests and for the sink).
std::string format_access_record(const access_record& r, const std::string& format);

}  // namespace sy::telemetry
