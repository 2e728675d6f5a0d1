#pragma once
// Host names in HostSNI: validation and comparison, as Traefik v3.7 (pkg/muxer/tcp/matcher.go, pkg/muxer/muxer.go).
#include <string>
#include <string_view>

namespace sy::rules {

/// Traefik v3.7's `^(\*\.)?[[:word:]\.\-\:]+$`: ASCII letters, digits, '_', '.', '-', ':' (IPv6 literals), with an
/// optional leading "*." wildcard. Non-ASCII names are refused; their punycode (xn--...) is accepted.
bool valid_host_v3(std::string_view host);

/// v2 syntax: the same without the wildcard (`^[[:word:]\.\-\:]+$`).
bool valid_host_v2(std::string_view host);

/// Traefik's DomainMatchHostExpression: case-insensitive equality; "*.example.com" matches exactly one more label
/// (foo.example.com, not example.com, not a.b.example.com). `host` has had its trailing dot trimmed.
bool host_matches(std::string_view sni, std::string_view host);

/// gorilla/mux host template to an anchored, case-insensitive regexp (v2 HostSNIRegexp): literal text is quoted,
/// `{name}` becomes `[^.]+` and `{name:re}` becomes `re`. Empty string and an error text when braces are unbalanced
/// or a name or pattern is empty.
struct template_regexp {
    std::string pattern;
    std::string error;
};
template_regexp template_to_regexp(std::string_view tmpl);

}  // namespace sy::rules
