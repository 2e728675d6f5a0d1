#pragma once
// The TCP middlewares, applied in the router's order before the backend is dialled: ipAllowList, ipDenyList
// (a Switchyard extension) and inFlightConn.
#include <memory>
#include <vector>

#include "base/address.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/outcome.hpp"

namespace sy::forwarder {

/// Holds one slot of every inFlightConn middleware passed; frees them when the connection ends.
class in_flight_slots {
public:
    in_flight_slots() = default;
    in_flight_slots(const in_flight_slots&) = delete;
    in_flight_slots& operator=(const in_flight_slots&) = delete;
    ~in_flight_slots();

    /// Takes a slot for `client` unless `amount` are taken; false when the limit is reached.
    bool try_take(const std::shared_ptr<runtime::in_flight_table>& table, const ip_address& client, int64_t amount);
    /// Gives every slot back now (a connection that leaves its first route for another).
    void give_back_all();

private:
    struct held {
        std::shared_ptr<runtime::in_flight_table> table;
        ip_address client;
    };
    std::vector<held> held_;
};

/// Runs `route`'s middlewares for a client: the outcome that refuses it, or nullopt when it may pass (then `slots`
/// holds what the connection must give back).
std::optional<telemetry::outcome> apply_middlewares(const runtime::route& route, const ip_address& client_ip,
                                                    in_flight_slots& slots);

}  // namespace sy::forwarder
