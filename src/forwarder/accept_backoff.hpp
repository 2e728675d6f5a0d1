#pragma once
// Running out of descriptors on accept (EMFILE, ENFILE): one back-off for every accept loop of the process, the
// forwarder's workers and the API's alike.
//
// Asio completes an accept with EMFILE at once (it retries only EAGAIN, EINTR and aborted connections) while the
// pending connection stays in the backlog and the acceptor readable: retrying at once spins on a core, exactly when
// the process is short of resources (Traefik's loop does that, and logs every failure). Here a loop that meets it
// pauses `pause` before the next try; the first failure of an episode logs one error, and one "accepting again"
// follows once no accept anywhere has failed for `quiet_period`, so a user reads two lines, not a pair per flap.
#include <chrono>
#include <string>

#include "forwarder/net.hpp"

namespace sy::forwarder {

inline constexpr auto accept_pause = std::chrono::milliseconds(100);
/// Around the limit, accepts succeed and fail by turns (each connection that ends frees a descriptor that the next
/// pending one takes): an episode ends only after this long without a failed accept.
inline constexpr auto accept_quiet_period = std::chrono::seconds(1);

/// After a failed accept on `entry_point`: when it is descriptor exhaustion, logs (once per episode) and waits
/// `accept_pause`, then returns true; other errors return false at once.
awaitable<bool> back_off_if_exhausted(const error_code& ec, std::string entry_point);

/// After an accept that worked: if an episode is open, makes sure one "accepting again" line follows its end.
void accept_succeeded(const net::any_io_executor& ex, const std::string& entry_point);

}  // namespace sy::forwarder
