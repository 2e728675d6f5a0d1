#include "forwarder/io_shortcuts.hpp"

namespace sy::forwarder {

namespace {

namespace ops = net::detail::socket_ops;

/// A pointer to a protected member formed through a derived class is standard C++, not a cast.
struct socket_access : tcp_socket {
    static auto& impl(tcp_socket& s) { return (s.*(&socket_access::impl_)).get_implementation(); }
};

}  // namespace

io_reactor& reactor_of(net::io_context& context) { return net::use_service<io_reactor>(context); }

void readiness_wait::start(tcp_socket& s, io_reactor& reactor) {
    auto& impl = socket_access::impl(s);
    armed_ = false;
    ec_ = error_code();
    // allow_speculative = true: the reactor then calls perform_wait at once (not_done, since the caller has just
    // drained the socket) and queues the operation without the EPOLL_CTL_MOD of a non-speculative wait.
    reactor.start_op(io_reactor::read_op, impl.socket_, impl.reactor_data_, this, true, true);
    armed_ = true;
}

net::detail::reactor_op::status readiness_wait::perform_wait(net::detail::reactor_op* base) {
    return static_cast<readiness_wait*>(base)->armed_ ? done : not_done;
}

void readiness_wait::complete_wait(void* owner, net::detail::scheduler_operation* base, const error_code&, size_t) {
    auto* self = static_cast<readiness_wait*>(base);
    self->armed_ = false;
    if (!owner) return;  // destroyed with its io_context: embedded in its owner, nothing to free
    const error_code ec = self->ec_;
    self->on_ready_(self->owner_, self->tag_, ec);
}

void mark_not_dup(tcp_socket& s) {
    socket_access::impl(s).state_ &= static_cast<ops::state_type>(~ops::possible_dup);
}

void mark_non_blocking(tcp_socket& s) {
    socket_access::impl(s).state_ |= ops::user_set_non_blocking | ops::internal_non_blocking;
}

}  // namespace sy::forwarder
