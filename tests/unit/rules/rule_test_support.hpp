#pragma once
// Building connection facts and compiling rules in tests.
#include <string>
#include <vector>

#include "base/address.hpp"
#include "base/text.hpp"
#include "rules/rule.hpp"

namespace sy::rules::test {

/// A connection as Traefik's NewConnData sees it: server name lower-cased and trimmed, IP from "ip:port".
struct conn {
    std::string sni;
    std::string ip = "0.0.0.0";
    std::vector<std::string> alpn;
    bool tls = true;

    conn_facts facts() const {
        conn_facts f;
        f.tls = tls;
        f.sni = sni;
        f.client_ip = *parse_ip(ip);
        f.alpn = alpn;
        return f;
    }
};

inline conn sni(std::string name) { return conn{ascii_lower(trim(name)), "0.0.0.0", {}, true}; }
inline conn from_ip(std::string ip) { return conn{"", std::move(ip), {}, true}; }
inline conn with_alpn(std::vector<std::string> protos) { return conn{"", "0.0.0.0", std::move(protos), true}; }

/// Compiles or fails the test with the error.
inline std::shared_ptr<const compiled_rule> must_compile(std::string_view rule, syntax s = syntax::v3) {
    auto r = compile(rule, s);
    if (!r) throw std::runtime_error("rule " + std::string(rule) + ": " + r.error().to_string());
    return *r;
}

inline bool matches(std::string_view rule, const conn& c, syntax s = syntax::v3) {
    return must_compile(rule, s)->matches(c.facts());
}

inline bool refused(std::string_view rule, syntax s = syntax::v3) { return !compile(rule, s); }

inline std::string error_of(std::string_view rule, syntax s = syntax::v3) {
    auto r = compile(rule, s);
    return r ? std::string("(compiled)") : r.error().to_string();
}

}  // namespace sy::rules::test
