#pragma once
// Pieces shared by the v3 and v2 matchers: argument checks, IP ranges, regexps (RE2 stays out of this header).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/address.hpp"
#include "base/diagnostic.hpp"
#include "rules/expression.hpp"

namespace sy::rules {

/// Traefik's rules.CheckRule: at least one argument, none empty.
result<void> check_arguments(const expr& call, std::string_view name);

/// A ClientIP value, as Traefik's ip.NewChecker reads it: Go's net.ParseIP, else net.ParseCIDR (host bits allowed).
/// Brackets and IPv6 zones are refused, as Go refuses them.
result<cidr> parse_client_ip(std::string_view value);

/// True when `ip` is in any of `ranges` (IPv4-mapped IPv6 addresses compare as IPv4, as Go's net.IP does).
bool contains_ip(const std::vector<cidr>& ranges, const ip_address& ip);

/// A compiled RE2 regexp, shared read-only by every thread (RE2 matching is thread-safe).
class regexp {
public:
    /// Compiles with Go's syntax as RE2 knows it. The error is RE2's text.
    static result<regexp> compile(std::string_view pattern);
    /// Go's regexp.MatchString: true when the pattern matches anywhere in `text` (unanchored).
    bool search(std::string_view text) const;

private:
    struct impl;
    std::shared_ptr<const impl> impl_;
};

/// HostSNI(`a`, `b`) as written back: the canonical name and the arguments as Go literals.
std::string render_call(std::string_view name, const std::vector<std::string>& args);

}  // namespace sy::rules
