// Phase (STARTTLS entrypoints, in place of read_first_bytes): the client's side of the pre-TLS dialogue. Switchyard
// greets, answers the capability commands itself (advertising STARTTLS and never authentication), accepts
// STARTTLS, and reads the ClientHello that follows, whose SNI and ALPN the ordinary routers then match. No backend
// is connected before that: the pre-TLS dialogue is discarded by both ends after STARTTLS (RFC 3207 §4.2, RFC 3501
// §6.2.1), so the backend gets only a short replay of it (phase_starttls_backend.cpp).
//
// Difference from Traefik: Traefik cannot route a server-first STARTTLS protocol by SNI at all (traefik/traefik#7366).
#include <spdlog/spdlog.h>

#include "base/concat.hpp"

#include "forwarder/phases.hpp"
#include "forwarder/write_text.hpp"
#include "wire/starttls_answer.hpp"

namespace sy::forwarder {

std::string replayed_helo(const wire::client_command& cmd, std::string_view host) {
    std::string_view arg = cmd.argument;
    bool ok = !arg.empty() && arg.size() <= 255;
    for (char ch : arg)
        if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f) ok = false;
    return concat(cmd.verb == wire::command_verb::helo ? "HELO " : "EHLO ", ok ? arg : host, "\r\n");
}

awaitable<step> answer_starttls(connection& c, routing& r) {
    using telemetry::outcome;
    using wire::client_command;
    const auto& st = *c.l.config->starttls;
    const auto proto = *wire::starttls_protocol_named(st.protocol);  // checked when the configuration was loaded
    const std::string_view host = st.hostname;
    r.facts.client_ip = c.source.address;
    const auto total_due = timeout_after(st.total_timeout);
    if (!co_await write_text(c.client, wire::starttls_greeting(proto, host))) co_return outcome::client_gone;
    int errors = 0;
    auto bye = [&](wire::farewell_reason why) -> awaitable<void> {
        co_await write_text(c.client, wire::starttls_farewell(proto, host, why));
    };
    for (;;) {
        const auto command_due = std::min(total_due, timeout_after(st.command_timeout));
        client_command cmd = wire::parse_client_command(proto, r.pre.bytes());
        while (cmd.state == client_command::status::need_more) {
            switch (co_await read_more(c.client, r.pre, c.w, command_due)) {
            case read_outcome::data: break;
            case read_outcome::timeout:
                co_await bye(wire::farewell_reason::timeout);
                co_return command_due == total_due ? outcome::starttls_total_timeout
                                                   : outcome::starttls_command_timeout;
            case read_outcome::full: cmd.state = client_command::status::too_long; continue;
            default: co_return outcome::client_gone;
            }
            cmd = wire::parse_client_command(proto, r.pre.bytes());
        }
        if (cmd.state == client_command::status::too_long) {
            co_await bye(wire::farewell_reason::line_too_long);
            co_return outcome::starttls_not_started;
        }
        const auto answer = wire::answer_command(proto, host, cmd);
        if (answer.next == wire::starttls_answer::then::upgrade && cmd.pipelined) {
            // Plaintext sent behind STARTTLS would be taken for the TLS session's first bytes by a naive backend
            // (CVE-2011-0411, "NO STARTTLS"): no OK, and the connection ends here.
            if (debug_enabled())
                spdlog::debug("entryPoint \"{}\": {} sent bytes after STARTTLS; closed", c.l.name,
                              format_endpoint(c.source));
            co_return outcome::starttls_pipelining;
        }
        if (cmd.verb == wire::command_verb::ehlo || cmd.verb == wire::command_verb::helo) {
            if (!cmd.argument.empty()) r.helo = replayed_helo(cmd, host);
        }
        r.pre.consume(cmd.consumed);  // `cmd`'s views end here
        r.pre.release_if_empty();
        if (!co_await write_text(c.client, answer.text)) co_return outcome::client_gone;
        if (answer.next == wire::starttls_answer::then::close) co_return outcome::starttls_not_started;
        if (answer.next == wire::starttls_answer::then::upgrade) {
            r.upgraded = true;
            break;
        }
        if (answer.error && ++errors >= wire::max_pre_tls_errors) {
            co_await bye(wire::farewell_reason::too_many_errors);
            co_return outcome::starttls_not_started;
        }
    }
    // The client is in TLS mode now: every failure from here on can only close.
    const auto hello_due = timeout_after(st.client_hello_timeout);
    co_return co_await read_upgraded_hello(c, r, hello_due, outcome::starttls_hello_timeout);
}

}  // namespace sy::forwarder
