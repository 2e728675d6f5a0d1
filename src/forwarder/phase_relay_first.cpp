// Phase (an SMTP STARTTLS entrypoint where a non-TLS router takes the client, in place of answer_starttls): port
// 25's relay-first mode. The non-TLS route's server is connected at once, PROXY header first, and both directions
// are relayed as they come, so a plaintext sender talks to the real server byte for byte and postscreen's pregreet,
// pipelining and bare-newline tests still see the real client. On the way, the client's command lines are read
// only to catch STARTTLS:
//
//   the client's STARTTLS (with nothing behind it, else starttls_pipelining) goes to the server and its reply to
//     the client; after a 220, the ClientHello is read and routed like any other: no TLS route for it, or one to the
//     same service, and the ClientHello goes to the server already connected; a route to another service, and that
//     server is dropped and the chosen one gets the replay (phase_starttls_backend.cpp) with the client's own EHLO
//   a command that belongs to the session proper (MAIL, RCPT, DATA, BDAT, AUTH, VRFY...), a line over the cap, a
//     reply that is not SMTP, or preTLSTotalTimeout passing: the watching stops and the relay takes both sockets
//
// Why not synthesize as on 587: RFC 3207 §4 forbids a public MX to require TLS, most senders send no SNI (Postfix
// sends none without DANE), and a synthesized dialogue would hide the client from postscreen (the STARTTLS design
// notes, §2.1 B and §5.3). No key selects the mode: the routes do, as the issue asked. Difference from Traefik:
// Traefik has no STARTTLS for SMTP at all (traefik/traefik#7366).
#include <cstring>

#include <spdlog/spdlog.h>

#include "forwarder/match.hpp"
#include "forwarder/phases.hpp"
#include "forwarder/readable_wait.hpp"
#include "forwarder/write_text.hpp"
#include "wire/starttls_reply.hpp"

namespace sy::forwarder {

namespace {

using telemetry::outcome;

using pulled = read_now_result;

/// Appends what `s` has now to `p` without waiting, compacting `p` first when its tail is used up (relay-first
/// forwards as it reads, so the consumed head is free to reuse; read_more's callers parse from the start).
pulled pull_now(tcp_socket& s, prefix& p, buffer_pool& pool) {
    if (p.buffer && p.end == p.buffer.size() && p.begin > 0) {
        std::memmove(p.buffer.data(), p.buffer.data() + p.begin, p.size());
        p.end -= p.begin;
        p.begin = 0;
    }
    return read_now(s, p, pool);
}

std::string_view text_of(std::span<const std::byte> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

/// What the watch came to.
enum class verdict {
    watching,     ///< go on
    transparent,  ///< stop watching: the relay takes both sockets as they are
    upgraded,     ///< the server said 220 to the client's STARTTLS, which was relayed: a ClientHello is next
    ended,        ///< the connection ends with `end`
};

/// Both directions before the relay. The client's lines and the server's replies are counted: SMTP answers each
/// line with one reply (the greeting is reply 1), so the reply to the client's n-th line is reply n + 1.
struct watch {
    connection& c;
    routing& r;
    std::string_view host;
    prefix from_server;          ///< the server's bytes not yet parsed as a whole reply
    size_t server_relayed = 0;   ///< of those, how many the client already has
    uint64_t lines = 0;          ///< client lines relayed
    uint64_t replies = 0;        ///< whole server replies seen
    uint64_t starttls_reply = 0; ///< the reply that answers the client's STARTTLS; 0 while none is awaited
    step end;
    std::string_view failure;    ///< for the warning

    verdict fail(std::string_view why, outcome o) {
        failure = why;
        end = o;
        return verdict::ended;
    }
};

/// Relays the server's bytes [server_relayed, upto) of from_server to the client.
awaitable<bool> relay_server_bytes(watch& w, size_t upto) {
    if (upto <= w.server_relayed) co_return true;
    const auto bytes = w.from_server.bytes().subspan(w.server_relayed, upto - w.server_relayed);
    if (!co_await write_text(w.c.client, text_of(bytes))) co_return false;
    w.c.first_bytes_out += bytes.size();
    w.server_relayed = upto;
    co_return true;
}

/// The client's new bytes: whole lines are relayed, a STARTTLS among them is caught.
awaitable<verdict> client_spoke(watch& w) {
    auto& pre = w.r.pre;
    if (w.starttls_reply) {
        // Bytes before the server's answer to STARTTLS: the injection case (CVE-2011-0411), relayed nowhere.
        w.end = outcome::starttls_pipelining;
        co_return verdict::ended;
    }
    size_t whole = 0;  // bytes of whole lines, relayed in one write below
    verdict next = verdict::watching;
    for (;;) {
        const auto cmd = wire::parse_client_command(wire::starttls_protocol::smtp, pre.bytes().subspan(whole));
        if (cmd.state == wire::client_command::status::need_more) break;
        if (cmd.state == wire::client_command::status::too_long || cmd.verb == wire::command_verb::needs_tls) {
            next = verdict::transparent;  // the session proper: nothing more to catch
            break;
        }
        if (cmd.verb == wire::command_verb::starttls && cmd.pipelined) {
            w.end = outcome::starttls_pipelining;
            co_return verdict::ended;
        }
        if ((cmd.verb == wire::command_verb::ehlo || cmd.verb == wire::command_verb::helo) && !cmd.argument.empty())
            w.r.helo = replayed_helo(cmd, w.host);
        whole += cmd.consumed;
        ++w.lines;
        if (cmd.verb == wire::command_verb::starttls) {
            w.starttls_reply = w.lines + 1;
            break;
        }
    }
    if (whole) {
        if (!co_await write_text(w.c.backend, text_of(pre.bytes().first(whole)))) {
            w.end = outcome::preamble_failed;
            co_return verdict::ended;
        }
        w.c.first_bytes += whole;
        pre.consume(whole);
        pre.release_if_empty();
    }
    co_return next;
}

/// The server's new bytes: relayed at once (postscreen's `220-` teaser must reach the client while the server
/// waits), except while the reply to STARTTLS is awaited, when they are relayed reply by reply up to its end.
awaitable<verdict> server_spoke(watch& w, bool buffer_full) {
    if (!w.starttls_reply && !co_await relay_server_bytes(w, w.from_server.size()))
        co_return w.fail({}, outcome::client_gone);
    for (;;) {
        auto reply = wire::parse_backend_reply(wire::reply_kind::smtp, {}, w.from_server.bytes());
        if (reply.state == wire::backend_reply::status::need_more) {
            if (!buffer_full) co_return verdict::watching;
            if (w.starttls_reply) co_return w.fail("a reply to STARTTLS too large", outcome::backend_dialogue_failed);
            co_return verdict::transparent;
        }
        if (reply.state == wire::backend_reply::status::malformed) {
            if (w.starttls_reply)
                co_return w.fail("a reply to STARTTLS that is not SMTP", outcome::backend_dialogue_failed);
            co_return verdict::transparent;  // not SMTP as we know it: relay it as it is
        }
        ++w.replies;
        if (w.starttls_reply && !co_await relay_server_bytes(w, reply.consumed))
            co_return w.fail({}, outcome::client_gone);
        w.from_server.consume(reply.consumed);
        w.server_relayed = w.server_relayed > reply.consumed ? w.server_relayed - reply.consumed : 0;
        if (w.replies != w.starttls_reply) continue;
        if (reply.code != 220) {
            w.starttls_reply = 0;  // refused (454...): the client goes on in plaintext, or leaves
            continue;
        }
        // Bytes behind the OK would be plaintext injected into the client's TLS session.
        if (w.from_server.size() != 0)
            co_return w.fail("sent bytes after its STARTTLS OK", outcome::backend_trailing_bytes);
        co_return verdict::upgraded;
    }
}

/// Stops watching: whatever either side sent and the other has not got yet goes on before the relay starts.
awaitable<step> go_transparent(watch& w) {
    if (!co_await relay_server_bytes(w, w.from_server.size())) co_return outcome::client_gone;
    auto& pre = w.r.pre;
    if (pre.size()) {
        if (!co_await write_text(w.c.backend, text_of(pre.bytes()))) co_return outcome::preamble_failed;
        w.c.first_bytes += pre.size();
    }
    pre.buffer.release();
    w.from_server.buffer.release();
    w.r.relayed = true;
    co_return proceed;
}

void warn(const watch& w) {
    const auto& c = w.c;
    if (w.failure.empty() || !c.server) return;
    if (auto held = c.server->counters ? c.server->counters->dial_warnings.allow() : std::optional<uint64_t>(0))
        spdlog::warn("router \"{}\": server {} of service \"{}\" for {}: {}{}", c.route->router, c.server->address,
                     c.leaf->name, format_endpoint(c.source), w.failure, held_note(*held));
}

/// Watches both directions until the client's STARTTLS is answered 220, or the watching stops.
awaitable<verdict> watch_both(watch& w, time_point total_due, duration dialogue_timeout) {
    auto& c = w.c;
    time_point reply_due{};
    for (;;) {
        bool waiting = true;
        switch (pull_now(c.client, w.r.pre, c.w.pool)) {
        case pulled::data: {
            waiting = false;
            const auto v = co_await client_spoke(w);
            if (v != verdict::watching) co_return v;
            if (w.starttls_reply) reply_due = timeout_after(dialogue_timeout);
            break;
        }
        case pulled::full: co_return verdict::transparent;  // (client_spoke saw a line over the cap first)
        case pulled::eof:
        case pulled::error:
            // The client is done or gone: the relay finds the same and ends both sides as usual.
            if (w.starttls_reply) co_return w.fail({}, outcome::client_gone);
            co_return verdict::transparent;
        case pulled::drained: break;
        }
        const auto got = pull_now(c.backend, w.from_server, c.w.pool);
        switch (got) {
        case pulled::data:
        case pulled::full: {
            waiting = false;
            const auto v = co_await server_spoke(w, got == pulled::full);
            if (v != verdict::watching) co_return v;
            break;
        }
        case pulled::eof:
        case pulled::error:
            if (w.starttls_reply) co_return w.fail("closed the connection", outcome::backend_dialogue_failed);
            co_return verdict::transparent;
        case pulled::drained: break;
        }
        w.r.pre.release_if_empty();
        w.from_server.release_if_empty();
        if (!waiting) continue;
        const auto due = w.starttls_reply ? reply_due : total_due;
        switch (co_await either_readable_before(c.client, c.backend, c.w.reactor, c.w.deadlines, due)) {
        case either_result::first:
        case either_result::second: break;
        case either_result::timed_out:
            if (w.starttls_reply)
                co_return w.fail("no reply to STARTTLS within backendDialogueTimeout",
                                 outcome::backend_dialogue_timeout);
            co_return verdict::transparent;  // a slow plaintext session is the server's to time out
        case either_result::aborted: co_return w.fail({}, outcome::client_gone);
        }
    }
}

}  // namespace

bool relays_first(const connection& c, routing& r) {
    const auto& st = c.l.config->starttls;
    if (!st || wire::starttls_protocol_named(st->protocol) != wire::starttls_protocol::smtp) return false;
    r.facts.client_ip = c.source.address;
    r.facts.tls = false;
    return !c.table->tcp_routes.empty() && match_route(*c.table, r.facts) != nullptr;
}

awaitable<step> relay_first(connection& c, routing& r) {
    const auto& st = *c.l.config->starttls;
    // The non-TLS route's server first, before the client has said a word.
    if (auto end = choose_route(c, r)) co_return end;
    if (auto end = co_await connect_backend(c, r)) co_return end;
    if (auto end = co_await send_preamble(c, r)) co_return end;
    c.backend_untouched = false;  // the watch below reads it

    watch w{c, r, st.hostname, {}, 0, 0, 0, 0, {}, {}};
    const auto v = co_await watch_both(w, timeout_after(st.total_timeout), st.backend_dialogue_timeout);
    if (v == verdict::ended) {
        warn(w);
        co_return w.end;
    }
    if (v == verdict::transparent) co_return co_await go_transparent(w);

    // The client heard the server's 220 and is in TLS mode now: every failure from here on can only close.
    w.from_server.buffer.release();
    r.upgraded = true;
    if (auto end = co_await read_upgraded_hello(c, r, timeout_after(st.client_hello_timeout),
                                                outcome::starttls_hello_timeout))
        co_return end;
    const auto* chosen = match_route(*c.table, r.facts);
    if (!chosen || (chosen->passthrough && chosen->service == c.route->service)) {
        // No TLS route for this name, or a passthrough one to the same service: the server connected first is the
        // one. (A route that terminates TLS is taken through terminate_tls like any other.)
        if (!co_await write_text(c.backend, text_of(r.pre.bytes()))) co_return outcome::preamble_failed;
        c.first_bytes += r.pre.size();
        r.pre.buffer.release();
        r.relayed = true;
        co_return proceed;
    }
    // Another service: choose_route, connect_backend and replay_starttls take it from here with the ClientHello in
    // r.pre and the client's EHLO in r.helo. The first server sees its session end after STARTTLS.
    if (debug_enabled())
        spdlog::debug("entryPoint \"{}\": {} rerouted after STARTTLS by SNI \"{}\" to router \"{}\"", c.l.name,
                      format_endpoint(c.source), c.sni, chosen->router);
    c.leave_route();
    co_return proceed;
}

}  // namespace sy::forwarder
