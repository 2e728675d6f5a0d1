#pragma once
// The last minutes of traffic per router, service and server, for the dashboard's charts: every `interval` the
// control thread copies the counters behind /metrics (open connections, bytes each way, cumulative) into a ring of
// `points` samples per element. Rates are differences of neighbouring samples, computed by the reader.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "telemetry/counters.hpp"

namespace sy::telemetry {

struct traffic_point {
    int64_t open = 0;
    uint64_t bytes_in = 0;   ///< client → backend, cumulative
    uint64_t bytes_out = 0;  ///< backend → client, cumulative
};

class traffic_history {
public:
    static constexpr std::chrono::seconds interval{5};
    static constexpr std::size_t points = 120;  ///< ten minutes

    /// Appends one sample of every router, service and server block to the history (elements seen for the first
    /// time start with this sample).
    void sample(const registry& counters, std::chrono::system_clock::time_point now);

    struct series {
        std::deque<traffic_point> points;  ///< oldest first, aligned to the end of `times`
    };
    const std::deque<std::chrono::system_clock::time_point>& times() const { return times_; }
    const std::map<std::string, series>& routers() const { return routers_; }
    const std::map<std::string, series>& services() const { return services_; }
    /// Keys "service\x1faddress", as the registry's.
    const std::map<std::string, series>& servers() const { return servers_; }

private:
    std::deque<std::chrono::system_clock::time_point> times_;
    std::map<std::string, series> routers_, services_, servers_;
};

}  // namespace sy::telemetry
