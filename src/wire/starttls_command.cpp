#include "wire/starttls_command.hpp"

#include "wire/starttls_text.hpp"

namespace sy::wire {

namespace {

using namespace mail_text;

struct verb_name {
    std::string_view word;
    command_verb verb;
};

constexpr verb_name smtp_verbs[] = {
    {"EHLO", command_verb::ehlo},      {"HELO", command_verb::helo},      {"STARTTLS", command_verb::starttls},
    {"NOOP", command_verb::noop},      {"RSET", command_verb::rset},      {"QUIT", command_verb::quit},
    {"AUTH", command_verb::needs_tls}, {"MAIL", command_verb::needs_tls}, {"RCPT", command_verb::needs_tls},
    {"DATA", command_verb::needs_tls}, {"BDAT", command_verb::needs_tls}, {"VRFY", command_verb::needs_tls},
    {"EXPN", command_verb::needs_tls}, {"ETRN", command_verb::needs_tls},
};
constexpr verb_name imap_verbs[] = {
    {"CAPABILITY", command_verb::capability}, {"NOOP", command_verb::noop},
    {"LOGOUT", command_verb::quit},           {"STARTTLS", command_verb::starttls},
    {"ID", command_verb::id},                 {"LOGIN", command_verb::needs_tls},
    {"AUTHENTICATE", command_verb::needs_tls},
};
constexpr verb_name pop3_verbs[] = {
    {"CAPA", command_verb::capability}, {"STLS", command_verb::starttls},  {"QUIT", command_verb::quit},
    {"NOOP", command_verb::noop},       {"USER", command_verb::needs_tls}, {"PASS", command_verb::needs_tls},
    {"APOP", command_verb::needs_tls},  {"AUTH", command_verb::needs_tls},
};
constexpr verb_name sieve_verbs[] = {
    {"CAPABILITY", command_verb::capability}, {"STARTTLS", command_verb::starttls},
    {"NOOP", command_verb::noop},             {"LOGOUT", command_verb::quit},
    {"AUTHENTICATE", command_verb::needs_tls},
};

std::span<const verb_name> verbs_of(starttls_protocol p) noexcept {
    switch (p) {
    case starttls_protocol::smtp: return smtp_verbs;
    case starttls_protocol::imap: return imap_verbs;
    case starttls_protocol::pop3: return pop3_verbs;
    case starttls_protocol::managesieve: return sieve_verbs;
    }
    return smtp_verbs;
}

/// RFC 3501's tag: 1*<any ASTRING-CHAR except "+">, where ASTRING-CHAR excludes "(", ")", "{", SP, CTL, "%", "*",
/// DQUOTE and "\" (but allows "]").
bool valid_tag(std::string_view tag) noexcept {
    if (tag.empty()) return false;
    for (char ch : tag) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f) return false;
        switch (ch) {
        case '+': case '(': case ')': case '{': case '%': case '*': case '"': case '\\': return false;
        default: break;
        }
    }
    return true;
}

}  // namespace

client_command parse_client_command(starttls_protocol p, std::span<const std::byte> bytes) noexcept {
    client_command out;
    const std::string_view text = as_text(bytes);
    const size_t cap = max_command_line(p);
    const auto line = next_line(text.substr(0, std::min(text.size(), cap)));
    if (line.length == 0) {
        if (text.size() >= cap) out.state = client_command::status::too_long;
        return out;
    }
    out.state = client_command::status::line;
    out.consumed = line.length;
    out.pipelined = text.size() > line.length;
    std::string_view rest = line.content;
    if (trim_blanks(rest).empty()) {
        out.verb = command_verb::empty;
        return out;
    }
    if (p == starttls_protocol::imap) {
        // The tag is everything up to the first space: a tab belongs to it and makes it invalid.
        const size_t sp = rest.find(' ');
        out.tag = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
        if (!valid_tag(out.tag)) {
            out.verb = command_verb::bad_tag;
            return out;
        }
    }
    const std::string_view word = first_word(rest, out.argument);
    out.verb = command_verb::unknown;
    for (const auto& v : verbs_of(p))
        if (iequal(word, v.word)) {
            out.verb = v.verb;
            break;
        }
    // STARTTLS takes no argument in any of the four protocols; with one it is a syntax error, not an upgrade.
    if (out.verb == command_verb::starttls && !out.argument.empty()) out.verb = command_verb::unknown;
    return out;
}

}  // namespace sy::wire
