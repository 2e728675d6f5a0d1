#include "wire/starttls_reply.hpp"

#include "wire/starttls_text.hpp"

namespace sy::wire {

namespace {

using namespace mail_text;
using status = backend_reply::status;

backend_reply malformed(std::string why) {
    backend_reply r;
    r.state = status::malformed;
    r.why = std::move(why);
    return r;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// A literal announcement `{n}` or `{n+}` at the end of a line.
bool ends_with_literal(std::string_view line) noexcept {
    return !line.empty() && line.back() == '}' && line.find('{') != std::string_view::npos;
}

/// Whether the blank-separated words of `s` include `word` (case-insensitive).
bool has_word(std::string_view s, std::string_view word) noexcept {
    while (!s.empty()) {
        std::string_view rest;
        const auto w = first_word(s, rest);
        if (w.empty()) break;
        if (iequal(w, word)) return true;
        s = rest;
    }
    return false;
}

/// Walks the lines of a reply; `on_line(content, index)` answers whether the reply ends with that line, or
/// sets `r` malformed.
template <class OnLine>
backend_reply walk(std::string_view text, OnLine on_line) {
    backend_reply r;
    size_t at = 0;
    for (size_t index = 0;; ++index) {
        const auto rest = text.substr(at);
        const auto line = next_line(rest.substr(0, std::min(rest.size(), max_reply_line)));
        if (line.length == 0) {
            if (rest.size() >= max_reply_line) return malformed("a reply line longer than " +
                                                                 std::to_string(max_reply_line) + " bytes");
            if (text.size() >= max_reply_bytes) return malformed("a reply longer than " +
                                                                 std::to_string(max_reply_bytes) + " bytes");
            return r;  // need_more
        }
        at += line.length;
        if (at > max_reply_bytes) return malformed("a reply longer than " + std::to_string(max_reply_bytes) + " bytes");
        const bool last = on_line(line.content, index, r);
        if (r.state == status::malformed) return r;
        if (last) {
            r.state = status::done;
            r.consumed = at;
            return r;
        }
    }
}

backend_reply parse_smtp(std::string_view text) {
    return walk(text, [](std::string_view l, size_t index, backend_reply& r) {
        if (l.size() < 3 || !is_digit(l[0]) || !is_digit(l[1]) || !is_digit(l[2]) || (l.size() > 3 && l[3] != '-' && l[3] != ' ')) {
            r = malformed("not an SMTP reply line: \"" + std::string(l.substr(0, 40)) + "\"");
            return false;
        }
        const int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
        if (index > 0 && code != r.code) {
            r = malformed("reply codes " + std::to_string(r.code) + " and " + std::to_string(code) + " in one reply");
            return false;
        }
        r.code = code;
        r.positive = l[0] == '2';
        // EHLO keywords follow the first line (which carries the server's name): RFC 5321 §4.1.1.1.
        if (index > 0 && l.size() > 4) {
            std::string_view after;
            if (iequal(first_word(l.substr(4), after), "STARTTLS")) r.starttls = true;
        }
        return l.size() == 3 || l[3] == ' ';
    });
}

/// IMAP's `[CAPABILITY a b c]` response code, or `* CAPABILITY a b c`: whether STARTTLS is among the atoms.
bool imap_capability_has_starttls(std::string_view atoms) {
    if (const size_t close = atoms.find(']'); close != std::string_view::npos) atoms = atoms.substr(0, close);
    return has_word(atoms, "STARTTLS");
}

backend_reply parse_imap_greeting(std::string_view text) {
    return walk(text, [](std::string_view l, size_t, backend_reply& r) {
        std::string_view rest;
        if (first_word(l, rest) != "*") {
            r = malformed("not an IMAP greeting: \"" + std::string(l.substr(0, 40)) + "\"");
            return false;
        }
        std::string_view text_part;
        const auto cond = first_word(rest, text_part);
        if (iequal(cond, "OK")) {
            r.positive = true;
        } else if (iequal(cond, "PREAUTH")) {
            r.preauth = true;
        } else if (!iequal(cond, "BYE")) {
            r = malformed("not an IMAP greeting: \"" + std::string(l.substr(0, 40)) + "\"");
            return false;
        }
        if (istarts_with(text_part, "[CAPABILITY "))
            r.starttls = imap_capability_has_starttls(text_part.substr(12));
        return true;
    });
}

backend_reply parse_imap_tagged(std::string_view text, std::string_view tag) {
    return walk(text, [tag](std::string_view l, size_t, backend_reply& r) {
        if (ends_with_literal(l)) {
            r = malformed("an IMAP literal in a reply before TLS");
            return false;
        }
        std::string_view rest;
        const auto first = first_word(l, rest);
        if (first == "*") {
            std::string_view atoms;
            if (iequal(first_word(rest, atoms), "CAPABILITY") && imap_capability_has_starttls(atoms))
                r.starttls = true;
            return false;
        }
        if (first != tag || tag.empty()) {
            r = malformed("an IMAP line that is neither untagged nor ours: \"" + std::string(l.substr(0, 40)) + "\"");
            return false;
        }
        std::string_view text_part;
        const auto cond = first_word(rest, text_part);
        if (!iequal(cond, "OK") && !iequal(cond, "NO") && !iequal(cond, "BAD")) {
            r = malformed("an IMAP tagged reply without OK, NO or BAD");
            return false;
        }
        r.positive = iequal(cond, "OK");
        return true;
    });
}

/// +OK / -ERR at the start of a POP3 status line (RFC 1939 §3: the indicators are upper case; accept either).
bool pop3_status(std::string_view l, backend_reply& r) {
    std::string_view rest;
    const auto word = first_word(l, rest);
    if (iequal(word, "+OK")) {
        r.positive = true;
        return true;
    }
    if (iequal(word, "-ERR")) {
        r.positive = false;
        return true;
    }
    r = malformed("not a POP3 status line: \"" + std::string(l.substr(0, 40)) + "\"");
    return false;
}

backend_reply parse_pop3_line(std::string_view text) {
    return walk(text, [](std::string_view l, size_t, backend_reply& r) { return pop3_status(l, r); });
}

backend_reply parse_pop3_capa(std::string_view text) {
    return walk(text, [](std::string_view l, size_t index, backend_reply& r) {
        if (index == 0) return pop3_status(l, r) && !r.positive;  // -ERR is the whole reply
        if (l == ".") return true;
        std::string_view rest;
        if (iequal(first_word(l, rest), "STLS")) r.starttls = true;
        return false;
    });
}

backend_reply parse_sieve(std::string_view text) {
    return walk(text, [](std::string_view l, size_t, backend_reply& r) {
        if (ends_with_literal(l)) {
            r = malformed("a ManageSieve literal in a reply before TLS");
            return false;
        }
        if (!l.empty() && l.front() == '"') {
            const size_t close = l.find('"', 1);
            if (close == std::string_view::npos) {
                r = malformed("an unterminated ManageSieve capability name");
                return false;
            }
            if (iequal(l.substr(1, close - 1), "STARTTLS")) r.starttls = true;
            return false;
        }
        std::string_view rest;
        const auto word = first_word(l, rest);
        // RFC 5804 §1.7: `OK`, `NO` or `BYE`, alone or followed by a response code and/or a string.
        if (iequal(word, "OK")) {
            r.positive = true;
            return true;
        }
        if (iequal(word, "NO") || iequal(word, "BYE")) return true;
        r = malformed("not a ManageSieve response: \"" + std::string(l.substr(0, 40)) + "\"");
        return false;
    });
}

}  // namespace

backend_reply parse_backend_reply(reply_kind kind, std::string_view tag, std::span<const std::byte> bytes) noexcept {
    const auto text = as_text(bytes);
    switch (kind) {
    case reply_kind::smtp: return parse_smtp(text);
    case reply_kind::imap_greeting: return parse_imap_greeting(text);
    case reply_kind::imap_tagged: return parse_imap_tagged(text, tag);
    case reply_kind::pop3_line: return parse_pop3_line(text);
    case reply_kind::pop3_capa: return parse_pop3_capa(text);
    case reply_kind::sieve: return parse_sieve(text);
    }
    return malformed("unknown reply kind");
}

}  // namespace sy::wire
