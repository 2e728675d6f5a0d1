#pragma once
// The TCP access log Traefik lacks (traefik/traefik#7800): one line per finished connection.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "telemetry/outcome.hpp"

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
    outcome end = outcome::closed;  ///< how it ended (telemetry/outcome.hpp)
};

/// Thread-safe sink; reopen() after logrotate moved the file (SIGUSR1). write() never waits for the file: it appends
/// the line to memory, and one writer thread of the log's own does the I/O, so a stalled stdout pipe (docker logs
/// nobody drains) slows no connection. While the output does not keep up, lines beyond a cap are dropped and
/// counted, and one line says how many once it keeps up again.
class access_log {
public:
    virtual ~access_log() = default;
    virtual void write(const access_record& r) = 0;
    virtual void reopen() = 0;
    virtual void flush() = 0;
};

/// format: "common" or "json"; path empty = stdout. Writes each line out as soon as the writer thread gets to it
/// (accessLog.bufferingSize = 0: within milliseconds).
/// Throws at start-up, naming the path, when the file cannot be opened.
std::unique_ptr<access_log> make_access_log(const std::string& path, const std::string& format);

/// As above, keeping up to `buffering_size` lines in memory (accessLog.bufferingSize); buffered lines are also
/// written out at least once a second, on flush(), reopen() and destruction.
std::unique_ptr<access_log> make_access_log(const std::string& path, const std::string& format,
                                            std::size_t buffering_size);

/// One line, without the newline (for tests and for the sink).
std::string format_access_record(const access_record& r, const std::string& format);

}  // namespace sy::telemetry
