#include "forwarder/readiness.hpp"

#include "forwarder/asio_access.hpp"

namespace sy::forwarder {

void readiness_wait::start(tcp_socket& s, net::detail::reactor& reactor) {
    auto& impl = detail::socket_access::impl(s);
    armed_ = false;
    ec_ = error_code();
    // allow_speculative = true: the reactor then calls perform_wait at once (not_done, since the caller has just
    // drained the socket) and queues the operation without the EPOLL_CTL_MOD of a non-speculative wait.
    reactor.start_op(net::detail::reactor::read_op, impl.socket_, impl.reactor_data_, this, true, true);
    armed_ = true;
}

net::detail::reactor_op::status readiness_wait::perform_wait(net::detail::reactor_op* base) {
    return static_cast<readiness_wait*>(base)->armed_ ? done : not_done;
}

void readiness_wait::complete_wait(void* owner, net::detail::scheduler_operation* base, const error_code&, size_t) {
    auto* self = static_cast<readiness_wait*>(base);
    self->armed_ = false;
    if (!owner) return;  // destroyed with its io_context: embedded in its relay, nothing to free
    const error_code ec = self->ec_;
    self->on_ready_(self->owner_, self->tag_, ec);
}

net::detail::reactor& reactor_of(net::io_context& context) { return net::use_service<net::detail::reactor>(context); }

}  // namespace sy::forwarder
