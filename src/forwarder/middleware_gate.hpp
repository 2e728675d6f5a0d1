#pragma once
// The TCP middlewares, applied in the router's order before the backend is dialled: ipAllowList and inFlightConn.
#include <memory>
#include <string>
#include <vector>

#include "base/address.hpp"
#include "runtime/snapshot.hpp"

namespace sy::forwarder {

/// Holds one slot of every inFlightConn middleware passed; frees them when the connection ends.
class in_flight_slots {
public:
    in_flight_slots() = default;
    in_flight_slots(const in_flight_slots&) = delete;
    in_flight_slots& operator=(const in_flight_slots&) = delete;
    ~in_flight_slots();

    /// Takes a slot for `key` unless `amount` are taken; false when the limit is reached.
    bool try_take(const std::shared_ptr<runtime::in_flight_table>& table, const std::string& key, int64_t amount);

private:
    struct held {
        std::shared_ptr<runtime::in_flight_table> table;
        std::string key;
    };
    std::vector<held> held_;
};

enum class gate_verdict { pass, refused_allow_list, refused_in_flight };

/// Runs `route`'s middlewares for a client; on `pass`, `slots` holds what the connection must give back.
gate_verdict apply_middlewares(const runtime::route& route, const ip_address& client_ip, in_flight_slots& slots);

}  // namespace sy::forwarder
