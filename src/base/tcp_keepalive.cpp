#include "base/tcp_keepalive.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>

namespace sy {

void set_tcp_keep_alive(int fd, std::chrono::seconds idle, std::chrono::seconds interval, int probes) {
    const int on = 1;
    const int idle_s = static_cast<int>(std::clamp<int64_t>(idle.count(), 1, 32767));  // the kernel's maximum
    const int interval_s = static_cast<int>(std::clamp<int64_t>(interval.count(), 1, 32767));
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof interval_s);
    if (probes > 0) ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

}  // namespace sy
