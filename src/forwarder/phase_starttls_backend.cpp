// Phase (after a STARTTLS or an SSLRequest, in place of send_preamble): bring the chosen server to the point where
// it waits for a ClientHello, then hand it the client's. In order, each step waiting for the one before:
//
//   the PROXY header, alone in one write (Postfix and Dovecot peek it in one read and want nothing behind it)
//   the server's greeting, read to its final line (postscreen's `220-` teaser is not the end)
//   the dialogue, one command at a time, every reply checked: SMTP EHLO (must list STARTTLS) then STARTTLS (220);
//     IMAP CAPABILITY (unless the greeting listed them) then STARTTLS (tagged OK); POP3 CAPA then STLS (+OK);
//     ManageSieve STARTTLS (OK); Postgres the SSLRequest (exactly 'S')
//   nothing after the server's STARTTLS OK (bytes there would be plaintext injected into the client's TLS session)
//   the saved ClientHello, then the relay
//
// When the router terminates TLS here (terminate_tls ran after the client's STARTTLS), the server gets plaintext: only
// its greeting is read and checked, and swallowed, since the client had ours and now speaks inside TLS. An
// SSLRequest is then not replayed at all (Traefik's servePostgres: a TLS handler gets the connection as it is).
//
// A server that does not offer STARTTLS, or refuses it, ends the connection (backend_no_starttls): the client asked
// for TLS and is never downgraded to plaintext. Difference from Traefik: Traefik replays Postgres' SSLRequest only.
#include <spdlog/spdlog.h>

#include "base/concat.hpp"

#include "forwarder/phases.hpp"
#include "forwarder/write_text.hpp"
#include "wire/postgres_ssl_request.hpp"
#include "wire/starttls_protocol.hpp"
#include "wire/starttls_reply.hpp"

namespace sy::forwarder {

namespace {

using telemetry::outcome;

/// The server's side of the dialogue: its bytes read so far, and the deadline for all of it.
struct server_dialogue {
    connection& c;
    prefix in;
    time_point due;
    std::string_view failure;  ///< for the warning: what went wrong
};

/// Reads one reply of `kind` from the server.
awaitable<std::optional<wire::backend_reply>> expect(server_dialogue& d, wire::reply_kind kind,
                                                     std::string_view tag, step& end) {
    for (;;) {
        auto reply = wire::parse_backend_reply(kind, tag, d.in.bytes());
        if (reply.state == wire::backend_reply::status::done) {
            d.in.consume(reply.consumed);
            co_return reply;
        }
        if (reply.state == wire::backend_reply::status::malformed) {
            d.failure = "a reply that is not the protocol's";
            end = outcome::backend_dialogue_failed;
            co_return std::nullopt;
        }
        switch (co_await read_more(d.c.backend, d.in, d.c.w, d.due)) {
        case read_outcome::data: break;
        case read_outcome::timeout:
            d.failure = "no reply within backendDialogueTimeout";
            end = outcome::backend_dialogue_timeout;
            co_return std::nullopt;
        default:
            d.failure = "closed the connection";
            end = outcome::backend_dialogue_failed;
            co_return std::nullopt;
        }
    }
}

/// The server's greeting, read to its final line and checked: proceed when it accepts the session.
awaitable<step> read_greeting(server_dialogue& d, wire::starttls_protocol proto, wire::backend_reply& out) {
    using wire::reply_kind;
    step end;
    auto refuse = [&](std::string_view why) -> step {
        d.failure = why;
        return outcome::backend_dialogue_failed;
    };
    std::optional<wire::backend_reply> greeting;
    switch (proto) {
    case wire::starttls_protocol::smtp: greeting = co_await expect(d, reply_kind::smtp, {}, end); break;
    case wire::starttls_protocol::imap: greeting = co_await expect(d, reply_kind::imap_greeting, {}, end); break;
    case wire::starttls_protocol::pop3: greeting = co_await expect(d, reply_kind::pop3_line, {}, end); break;
    case wire::starttls_protocol::managesieve: greeting = co_await expect(d, reply_kind::sieve, {}, end); break;
    }
    if (!greeting) co_return end ? end : outcome::internal_error;
    out = *greeting;
    switch (proto) {
    case wire::starttls_protocol::smtp:
        if (greeting->code != 220) co_return refuse("a greeting other than 220");
        break;
    case wire::starttls_protocol::imap:
        if (greeting->preauth) co_return refuse("a PREAUTH greeting");
        if (!greeting->positive) co_return refuse("a BYE greeting");
        break;
    case wire::starttls_protocol::pop3:
        if (!greeting->positive) co_return refuse("an -ERR greeting");
        break;
    case wire::starttls_protocol::managesieve:
        if (!greeting->positive) co_return refuse("a NO or BYE greeting");
        break;
    }
    co_return proceed;
}

/// The mail dialogue; proceed when the server has said OK to STARTTLS.
awaitable<step> mail_dialogue(server_dialogue& d, wire::starttls_protocol proto, const routing& r,
                              std::string_view host) {
    using wire::reply_kind;
    step end;
    auto refuse = [&](std::string_view why, outcome o) -> step {
        d.failure = why;
        return o;
    };
    wire::backend_reply greeting;
    switch (proto) {
    case wire::starttls_protocol::smtp: {
        if (auto bad = co_await read_greeting(d, proto, greeting)) co_return bad;
        const std::string helo = r.helo.empty() ? concat("EHLO ", host, "\r\n") : r.helo;
        if (!co_await write_text(d.c.backend, helo)) co_return outcome::preamble_failed;
        auto hello = co_await expect(d, reply_kind::smtp, {}, end);
        if (!hello) co_return end;
        if (hello->code != 250) co_return refuse("EHLO refused", outcome::backend_dialogue_failed);
        // HELO's reply has no keywords: the STARTTLS reply below decides.
        if (helo.starts_with("EHLO") && !hello->starttls)
            co_return refuse("no STARTTLS in its EHLO reply", outcome::backend_no_starttls);
        if (!co_await write_text(d.c.backend, "STARTTLS\r\n")) co_return outcome::preamble_failed;
        auto ok = co_await expect(d, reply_kind::smtp, {}, end);
        if (!ok) co_return end;
        if (ok->code != 220) co_return refuse("STARTTLS refused", outcome::backend_no_starttls);
        co_return proceed;
    }
    case wire::starttls_protocol::imap: {
        if (auto bad = co_await read_greeting(d, proto, greeting)) co_return bad;
        bool starttls = greeting.starttls;
        if (!starttls) {
            if (!co_await write_text(d.c.backend, "S1 CAPABILITY\r\n")) co_return outcome::preamble_failed;
            auto caps = co_await expect(d, reply_kind::imap_tagged, "S1", end);
            if (!caps) co_return end;
            starttls = caps->positive && caps->starttls;
        }
        if (!starttls) co_return refuse("no STARTTLS in its capabilities", outcome::backend_no_starttls);
        if (!co_await write_text(d.c.backend, "S2 STARTTLS\r\n")) co_return outcome::preamble_failed;
        auto ok = co_await expect(d, reply_kind::imap_tagged, "S2", end);
        if (!ok) co_return end;
        if (!ok->positive) co_return refuse("STARTTLS refused", outcome::backend_no_starttls);
        co_return proceed;
    }
    case wire::starttls_protocol::pop3: {
        if (auto bad = co_await read_greeting(d, proto, greeting)) co_return bad;
        if (!co_await write_text(d.c.backend, "CAPA\r\n")) co_return outcome::preamble_failed;
        auto caps = co_await expect(d, reply_kind::pop3_capa, {}, end);
        if (!caps) co_return end;
        // A server without CAPA (RFC 2449 is optional) may still take STLS: its reply decides.
        if (caps->positive && !caps->starttls)
            co_return refuse("no STLS in its capabilities", outcome::backend_no_starttls);
        if (!co_await write_text(d.c.backend, "STLS\r\n")) co_return outcome::preamble_failed;
        auto ok = co_await expect(d, reply_kind::pop3_line, {}, end);
        if (!ok) co_return end;
        if (!ok->positive) co_return refuse("STLS refused", outcome::backend_no_starttls);
        co_return proceed;
    }
    case wire::starttls_protocol::managesieve: {
        if (auto bad = co_await read_greeting(d, proto, greeting)) co_return bad;
        if (!greeting.starttls) co_return refuse("no STARTTLS in its capabilities", outcome::backend_no_starttls);
        if (!co_await write_text(d.c.backend, "STARTTLS\r\n")) co_return outcome::preamble_failed;
        auto ok = co_await expect(d, reply_kind::sieve, {}, end);
        if (!ok) co_return end;
        if (!ok->positive) co_return refuse("STARTTLS refused", outcome::backend_no_starttls);
        co_return proceed;
    }
    }
    co_return outcome::internal_error;
}

/// Postgres: the SSLRequest, and exactly one 'S' back (Traefik's postgresConn.Write check).
awaitable<step> postgres_dialogue(server_dialogue& d) {
    const auto& req = wire::postgres_ssl_request;
    if (!co_await write_text(d.c.backend, {reinterpret_cast<const char*>(req.data()), req.size()}))
        co_return outcome::preamble_failed;
    while (d.in.size() == 0) {
        switch (co_await read_more(d.c.backend, d.in, d.c.w, d.due)) {
        case read_outcome::data: break;
        case read_outcome::timeout: d.failure = "no answer to the SSLRequest"; co_return outcome::backend_dialogue_timeout;
        default: d.failure = "closed the connection"; co_return outcome::backend_dialogue_failed;
        }
    }
    if (d.in.bytes()[0] != wire::postgres_ssl_accept) {
        d.failure = "refused the SSLRequest";
        co_return outcome::backend_no_starttls;
    }
    d.in.consume(1);
    co_return proceed;
}

}  // namespace

awaitable<step> replay_starttls(connection& c, routing& r) {
    // The ClientHello waits in `hello` while send_preamble writes the PROXY header alone.
    prefix hello = std::move(r.pre);
    r.pre = prefix{};
    if (auto end = co_await send_preamble(c, r)) co_return end;
    const auto& st = c.l.config->starttls;
    server_dialogue d{c, {}, timeout_after(st ? st->backend_dialogue_timeout : c.l.config->read_timeout), {}};
    step end;
    wire::backend_reply greeting;
    // (no `?:` around co_await: g++ 12 mishandles awaitables in conditional expressions)
    if (c.tls && st)
        end = co_await read_greeting(d, *wire::starttls_protocol_named(st->protocol), greeting);
    else if (c.tls)
        end = proceed;
    else if (st)
        end = co_await mail_dialogue(d, *wire::starttls_protocol_named(st->protocol), r, st->hostname);
    else
        end = co_await postgres_dialogue(d);
    if (!end && d.in.size() != 0) {
        // Terminated: the client did not ask, so a reply to nobody would reach it inside TLS.
        d.failure = c.tls ? "sent bytes after its greeting" : "sent bytes after its STARTTLS OK";
        end = outcome::backend_trailing_bytes;
    }
    if (end) {
        if (!d.failure.empty())
            if (auto held = c.server->counters ? c.server->counters->dial_warnings.allow() : std::optional<uint64_t>(0))
                spdlog::warn("router \"{}\": server {} of service \"{}\" for {}: {}{}", c.route->router,
                             c.server->address, c.leaf->name, format_endpoint(c.source), d.failure, held_note(*held));
        co_return end;
    }
    d.in.buffer.release();
    c.first_bytes += hello.size();
    c.backend_untouched = false;
    if (hello.size() != 0 &&
        !co_await write_text(c.backend, {reinterpret_cast<const char*>(hello.bytes().data()), hello.size()}))
        co_return outcome::preamble_failed;
    co_return proceed;
}

}  // namespace sy::forwarder
