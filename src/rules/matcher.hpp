#pragma once
// One compiled matcher call (a leaf of a rule): what it tests, and how to show it in `--explain`.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/diagnostic.hpp"
#include "rules/expression.hpp"
#include "rules/rule.hpp"

namespace sy::rules {

enum class matcher_kind { host_sni, host_sni_regexp, client_ip, alpn };

/// The four TCP matchers, by canonical name (Traefik's tcpFuncs / tcpFuncsV2 keys).
inline constexpr std::string_view tcp_matcher_names[] = {"HostSNI", "HostSNIRegexp", "ClientIP", "ALPN"};

struct leaf_matcher {
    matcher_kind kind = matcher_kind::host_sni;
    std::string text;  ///< canonical rendering: HostSNI(`example.com`)
    size_t pos = 0;    ///< where the call starts in the rule
    std::function<bool(const conn_facts&)> test;
    bool any_host = false;       ///< HostSNI whose values are all `*`
};

/// Compiles one call in the v3 syntax (pkg/muxer/tcp/matcher.go): one argument per matcher.
/// `name` is the canonical matcher name, already resolved from the spelling.
result<leaf_matcher> compile_v3(std::string_view name, const expr& call);

/// Compiles one call in the v2 syntax (pkg/muxer/tcp/matcher_v2.go): several arguments, gorilla/mux templates.
result<leaf_matcher> compile_v2(std::string_view name, const expr& call);

/// "at 8" when the call has an argument, else the call's position: errors point at the value at fault.
diagnostic leaf_error(const expr& call, size_t arg_index, std::string what);

}  // namespace sy::rules
