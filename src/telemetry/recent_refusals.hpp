#pragma once
// The last connections that ended without reaching a backend (no route, an allow list, a bad PROXY header, a dial
// that failed...), for the dashboard. Written only on those paths, never by a relayed connection; a small ring
// behind a mutex.
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace sy::telemetry {

struct refusal {
    std::chrono::system_clock::time_point at;
    std::string entry_point;
    std::string client;   ///< ip:port, after a trusted PROXY header
    std::string router;   ///< empty before a router matched
    std::string outcome;  ///< the access log's end reason: no_route, refused_allow_list, dial_failed, ...
};

class recent_refusals {
public:
    static constexpr std::size_t capacity = 50;
    void add(refusal r);
    /// Newest first.
    std::vector<refusal> list() const;

private:
    mutable std::mutex mutex_;
    std::deque<refusal> ring_;
};

}  // namespace sy::telemetry
