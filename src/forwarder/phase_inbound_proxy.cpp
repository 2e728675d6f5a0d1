// Phase: the PROXY header a trusted load balancer in front of us sends before anything else.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "forwarder/phases.hpp"

namespace sy::forwarder {

namespace {

bool trusted_peer(const config::entry_point_proxy_protocol& pp, const ip_address& peer) {
    if (pp.insecure) return true;
    const auto ip = unmap(peer);
    return std::any_of(pp.trusted_ips.begin(), pp.trusted_ips.end(), [&](const cidr& c) { return c.contains(ip); });
}

}  // namespace

awaitable<step> read_inbound_proxy(connection& c, routing& r) {
    const auto& ep = *c.l.config;
    if (!ep.proxy_protocol) co_return proceed;
    using telemetry::outcome;
    const bool trusted = trusted_peer(*ep.proxy_protocol, c.source.address);
    const bool server_first = c.table->decides_without_bytes || c.table->mixed;
    // A trusted balancer always sends its header first, but a segment may be lost on the way (Linux retransmits
    // after 200 ms at the soonest): waiting only serverFirstWait for it would route the connection without the
    // header, forward the header to the mail server as payload and take the balancer for the client. So a trusted
    // peer gets readTimeout for its header (Traefik's go-proxyproto waits too), and only an untrusted one, which
    // should send no header at all, is taken as silent after serverFirstWait.
    const auto first_by = server_first && !trusted ? wait_after(ep.server_first_wait) : r.read_deadline;
    auto p = co_await read_proxy_header(c.client, r.pre, c.w, first_by, r.read_deadline);
    switch (p.verdict) {
    case read_verdict::silent: r.silent = server_first; co_return proceed;
    case read_verdict::timeout: co_return outcome::proxy_timeout;
    case read_verdict::closed: co_return outcome::client_gone;
    case read_verdict::too_large: co_return outcome::malformed_proxy;
    case read_verdict::decided: break;
    }
    using st = wire::proxy_header_result::status;
    switch (p.parsed.state) {
    case st::not_proxy:
    case st::need_more: co_return proceed;
    case st::malformed:
        if (debug_enabled())
            spdlog::debug("entryPoint \"{}\": broken PROXY header from {}: {}", c.l.name, format_endpoint(c.source),
                          p.parsed.why);
        co_return outcome::malformed_proxy;
    case st::done: break;
    }
    if (!trusted) {
        // Deliberate difference from Traefik, which strips and ignores an untrusted sender's header: a header from
        // a peer outside trustedIPs is a spoofing attempt or a misconfigured balancer; either way nothing it says
        // is believed, and the connection is refused so the mistake is seen.
        if (auto held = c.l.outcomes ? c.l.outcomes->client_warnings.allow() : std::optional<uint64_t>(0))
            spdlog::warn("entryPoint \"{}\": PROXY header from {} refused: not in proxyProtocol.trustedIPs{}",
                         c.l.name, format_endpoint(c.source), held_note(*held));
        co_return outcome::untrusted_proxy;
    }
    if (p.parsed.source) {
        c.source = {unmap(p.parsed.source->address), p.parsed.source->port};
        if (p.parsed.destination)
            c.destination = wire::endpoint{unmap(p.parsed.destination->address), p.parsed.destination->port};
    }
    co_return proceed;
}

}  // namespace sy::forwarder
