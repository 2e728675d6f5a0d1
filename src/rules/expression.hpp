#pragma once
// The generic expression tree of Traefik's rule language: matcher calls with string arguments, combined with
// &&, || and !, in Go's precedence (&& binds tighter than ||). It knows no matcher: the TCP rules (rules/rule.hpp)
// and the Docker provider's `constraints` (Label(`k`,`v`), LabelRegex(...)) give the names their meaning, as Traefik
// reuses one parser (pkg/rules, vulcand/predicate) for both.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"

namespace sy::rules {

struct expr {
    enum class kind {
        call,      ///< name(args...)
        all_of,    ///< operands joined by && (two or more)
        any_of,    ///< operands joined by || (two or more)
        negation,  ///< !operand (exactly one)
    };
    kind k = kind::call;
    size_t pos = 0;                  ///< byte offset: the matcher name, the first operand, or the '!'
    std::string name;                ///< call: the matcher name as written
    std::vector<std::string> args;   ///< call: decoded string arguments (may be empty: `HostSNI()`)
    std::vector<size_t> arg_pos;     ///< call: byte offset of each argument
    std::vector<expr> operands;      ///< all_of / any_of / negation
};

/// Parses a rule as Go's expression parser would, keeping only what the rule language allows. Chains of one
/// operator become one n-ary node (a && b && c), so long chains do not make a deep tree. Errors carry no `where`
/// (the caller knows which input it parsed) and end with the byte position: `unexpected ')' at 14`.
result<expr> parse_expression(std::string_view text);

/// Canonical text of an expression (for logs and `--explain`): `HostSNI(`a`) && !ClientIP(`10.0.0.0/8`)`.
std::string to_string(const expr& e);

/// Traefik registers each matcher under exactly four spellings: canonical (HostSNI), lower (hostsni), upper
/// (HOSTSNI) and title case (Hostsni). Returns the canonical name `name` stands for, if any.
std::optional<std::string_view> resolve_name(std::string_view name, std::span<const std::string_view> canonical);

/// Nesting deeper than this (parentheses and '!') is refused: the tree is walked recursively.
inline constexpr size_t max_expression_depth = 100;

}  // namespace sy::rules
