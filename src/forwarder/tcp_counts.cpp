#include "forwarder/tcp_counts.hpp"

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstddef>

namespace sy::forwarder {

namespace {

/// The states in which the peer's FIN has been received: it took one sequence number, which tcpi_bytes_received
/// counts as a byte. The kernel's numbers (include/net/tcp_states.h; the UAPI headers do not name them).
bool fin_received(uint8_t state) {
    enum : uint8_t { time_wait = 6, close_wait = 8, last_ack = 9, closing = 11 };
    return state == close_wait || state == last_ack || state == closing || state == time_wait;
}

}  // namespace

bool read_tcp_counts(int fd, tcp_counts& out) {
    tcp_info info{};
    socklen_t len = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return false;
    if (len < offsetof(tcp_info, tcpi_bytes_received) + sizeof info.tcpi_bytes_received) return false;  // < 4.1
    int inq = 0, outq = 0;
    if (::ioctl(fd, SIOCINQ, &inq) != 0 || ::ioctl(fd, SIOCOUTQ, &outq) != 0) return false;
    out.fin = fin_received(info.tcpi_state);
    out.received = info.tcpi_bytes_received - (out.fin ? 1 : 0);
    out.queued = static_cast<uint64_t>(inq);
    out.written = info.tcpi_bytes_acked + static_cast<uint64_t>(outq);
    return true;
}

}  // namespace sy::forwarder
