#pragma once
// Reaching into Asio 1.26's socket implementation (Boost 1.81 is pinned): its flags and its reactor registration.
// Used only where the public API costs a system call per connection or per wait (socket_options.cpp,
// readiness.cpp). A pointer to a protected member formed through a derived class is standard C++, not a cast.
#include "forwarder/net.hpp"

namespace sy::forwarder::detail {

struct socket_access : tcp_socket {
    static auto& impl(tcp_socket& s) { return (s.*(&socket_access::impl_)).get_implementation(); }
};

}  // namespace sy::forwarder::detail
