#pragma once
// A TCP socket's own byte counters, for a connection whose bytes the worker does not see (the sockmap path).
// Its own translation unit: <linux/tcp.h>'s tcp_info (with the byte counters) clashes with glibc's <netinet/tcp.h>,
// which Asio includes.
#include <cstdint>

namespace sy::forwarder {

struct tcp_counts {
    uint64_t received = 0;  ///< payload bytes the kernel accepted from the peer (a FIN the state shows not counted)
    bool fin = false;       ///< the state shows the peer's FIN (not after TIME_WAIT: that socket reads as closed)
    uint64_t queued = 0;    ///< of those, not yet read (SIOCINQ)
    uint64_t written = 0;   ///< payload bytes written to the socket: acknowledged by the peer or still queued
};

/// TCP_INFO's tcpi_bytes_received and tcpi_bytes_acked with SIOCINQ and SIOCOUTQ: four system calls, read in an
/// order that can only under-count `written` (acknowledgements arriving in between move bytes from the queue to
/// the acknowledged count, never the reverse), so `written` reaching a value means the bytes really are there.
/// False when the socket does not answer (closed, not TCP).
bool read_tcp_counts(int fd, tcp_counts& out);

}  // namespace sy::forwarder
