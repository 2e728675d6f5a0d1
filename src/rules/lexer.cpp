#include "rules/lexer.hpp"

#include <cstdint>

#include "base/concat.hpp"

namespace sy::rules {
namespace {

diagnostic error_at(std::string what, size_t pos) { return diagnostic{"", what + " at " + std::to_string(pos)}; }

bool ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Length of the string literal starting at s[0] (a quote), or 0 when it is not terminated.
size_t literal_length(std::string_view s) {
    const char quote = s[0];
    for (size_t i = 1; i < s.size(); ++i) {
        if (quote == '"' && s[i] == '\\') {
            ++i;  // the escaped byte cannot end the literal
            continue;
        }
        if (quote == '"' && s[i] == '\n') return 0;  // Go: newline in an interpreted string
        if (s[i] == quote) return i + 1;
    }
    return 0;
}

// Go operators that are not part of the rule language, longest first, so `==` is reported whole.
constexpr std::string_view go_operators[] = {"&^=", "<<=", ">>=", "...", "&&", "||", "==", "!=", "<=", ">=", "<<",
                                             ">>", "&^", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "++",
                                             "--", "<-", "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=",
                                             ".", ":", ";", "[", "]", "{", "}", "~"};

}  // namespace

result<std::string> unquote_go(std::string_view lit, size_t pos) {
    if (lit.size() < 2 || lit.front() != lit.back() || (lit.front() != '`' && lit.front() != '"'))
        return error_at("malformed string literal", pos);
    std::string_view body = lit.substr(1, lit.size() - 2);
    std::string out;
    out.reserve(body.size());
    if (lit.front() == '`') {
        // Go drops carriage returns from raw strings.
        for (char c : body)
            if (c != '\r') out += c;
        return result<std::string>(boost::system::in_place_value, std::move(out));
    }
    for (size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        const size_t at = pos + 1 + i;
        if (c == '\n') return error_at("newline in string", at);
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i + 1 >= body.size()) return error_at("unterminated escape sequence", at);
        const char e = body[++i];
        switch (e) {
            case 'a': out += '\a'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'v': out += '\v'; break;
            case '\\': out += '\\'; break;
            case '"': out += '"'; break;
            case 'x':
            case 'u':
            case 'U': {
                const size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (i + digits >= body.size())
                    return error_at(std::string("escape \\") + e + " needs " + std::to_string(digits) + " hex digits",
                                    at);
                uint32_t v = 0;
                for (size_t k = 1; k <= digits; ++k) {
                    const int h = hex_value(body[i + k]);
                    if (h < 0)
                        return error_at(std::string("escape \\") + e + " needs " + std::to_string(digits) +
                                            " hex digits",
                                        at);
                    v = v * 16 + static_cast<uint32_t>(h);
                }
                i += digits;
                if (e == 'x') {
                    out += static_cast<char>(v);  // a byte, as in Go
                } else {
                    if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
                        return error_at("escape is not a valid Unicode code point", at);
                    append_utf8(out, v);
                }
                break;
            }
            default:
                if (e >= '0' && e <= '7') {
                    if (i + 2 >= body.size() || body[i + 1] < '0' || body[i + 1] > '7' || body[i + 2] < '0' ||
                        body[i + 2] > '7')
                        return error_at("octal escape needs 3 digits", at);
                    const unsigned v = static_cast<unsigned>((e - '0') * 64 + (body[i + 1] - '0') * 8 +
                                                             (body[i + 2] - '0'));
                    if (v > 255) return error_at("octal escape value > 255", at);
                    out += static_cast<char>(v);
                    i += 2;
                    break;
                }
                return error_at(std::string("unknown escape sequence \\") + e, at);
        }
    }
    return result<std::string>(boost::system::in_place_value, std::move(out));
}

std::string quote_go(std::string_view value) {
    bool raw_ok = true;
    for (unsigned char c : value)
        if (c == '`' || c == '\r' || (c < 0x20 && c != '\t') || c == 0x7F) raw_ok = false;
    if (raw_ok) return concat("`", value, "`");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : value) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += "\\x";
                    out += hex[c >> 4];
                    out += hex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

std::string describe(const token& t) {
    switch (t.kind) {
        case token_kind::end: return "end of rule";
        case token_kind::identifier: return concat("\"", t.text, "\"");
        case token_kind::string: return concat("string ", t.text);
        default: return concat("'", t.text, "'");
    }
}

result<std::vector<token>> tokenize(std::string_view rule) {
    std::vector<token> tokens;
    size_t i = 0;
    while (i < rule.size()) {
        const char c = rule[i];
        if (space(c)) {
            ++i;
            continue;
        }
        token t;
        t.pos = i;
        const std::string_view rest = rule.substr(i);
        if (ident_start(static_cast<unsigned char>(c))) {
            size_t n = 1;
            while (n < rest.size() && ident_char(static_cast<unsigned char>(rest[n]))) ++n;
            t.kind = token_kind::identifier;
            t.text = rest.substr(0, n);
        } else if (c == '`' || c == '"') {
            const size_t n = literal_length(rest);
            if (n == 0) return error_at("unterminated string", i);
            t.kind = token_kind::string;
            t.text = rest.substr(0, n);
            auto v = unquote_go(t.text, i);
            if (!v) return v.error();
            t.value = std::move(*v);
        } else if (c == '(' || c == ')' || c == ',') {
            t.kind = c == '(' ? token_kind::lparen : c == ')' ? token_kind::rparen : token_kind::comma;
            t.text = rest.substr(0, 1);
        } else if (rest.starts_with("&&") || rest.starts_with("||")) {
            t.kind = c == '&' ? token_kind::and_op : token_kind::or_op;
            t.text = rest.substr(0, 2);
        } else if (c == '!' && !rest.starts_with("!=")) {
            t.kind = token_kind::not_op;
            t.text = rest.substr(0, 1);
        } else if (c == '\'') {
            // Go reads 'a' as a rune, which Traefik refuses ("unsupported function argument type").
            return error_at("single quotes do not delimit strings in rules (use `...` or \"...\")", i);
        } else if (c >= '0' && c <= '9') {
            return error_at("unexpected number (matcher arguments are strings: `...` or \"...\")", i);
        } else {
            for (std::string_view op : go_operators) {
                if (!rest.starts_with(op)) continue;
                std::string hint;
                if (op == "&") hint = " (the AND operator is \"&&\")";
                if (op == "|") hint = " (the OR operator is \"||\")";
                if (op == "=" || op == "==" || op == "!=")
                    hint = " (rules only combine matchers with &&, || and !)";
                return error_at("unsupported operator \"" + std::string(op) + "\"" + hint, i);
            }
            const auto u = static_cast<unsigned char>(c);
            static constexpr char hex[] = "0123456789abcdef";
            const std::string shown = u < 0x20 || u == 0x7F ? std::string("\\x") + hex[u >> 4] + hex[u & 0xF]
                                                            : std::string(1, c);
            return error_at("unexpected character '" + shown + "'", i);
        }
        i += t.text.size();
        tokens.push_back(std::move(t));
    }
    token end;
    end.kind = token_kind::end;
    end.pos = rule.size();
    tokens.push_back(end);
    return tokens;
}

}  // namespace sy::rules
