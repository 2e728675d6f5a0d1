#pragma once
// Tokens of Traefik's rule language. Traefik hands rules to Go's go/parser.ParseExpr (through vulcand/predicate),
// so the tokens are Go's: identifiers, string literals (raw `...` or interpreted "..."), ( ) , && || !.
// Every other Go token is recognised only to be refused with a precise message.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"

namespace sy::rules {

enum class token_kind { identifier, string, lparen, rparen, comma, and_op, or_op, not_op, end };

struct token {
    token_kind kind = token_kind::end;
    size_t pos = 0;         ///< byte offset in the rule
    std::string_view text;  ///< as written (the quoted literal for strings)
    std::string value;      ///< decoded value of a string literal
};

/// Splits a rule into tokens. Errors name the byte position: `unterminated string at 8`.
result<std::vector<token>> tokenize(std::string_view rule);

/// Decodes one Go string literal (`raw` or "interpreted" with Go's escapes), as Go's strconv.Unquote does.
/// `pos` is the literal's position, used in error messages.
result<std::string> unquote_go(std::string_view literal, size_t pos);

/// Renders a value as a Go string literal: backticks when possible (Traefik's documentation style), else "..." escaped.
std::string quote_go(std::string_view value);

/// How a token is named in an error message: ')' or "HostSNI" or end of rule.
std::string describe(const token& t);

}  // namespace sy::rules
