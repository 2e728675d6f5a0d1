// Fuzz target `rule_parser`: rules come from labels, i.e. from whoever can start a container. Parsing, compiling
// (both syntaxes), priority and matching must never crash, and the canonical rendering must parse back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rules/expression.hpp"
#include "rules/rule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view rule(reinterpret_cast<const char*>(data), size);

    if (auto e = sy::rules::parse_expression(rule)) {
        const std::string canonical = sy::rules::to_string(*e);
        auto again = sy::rules::parse_expression(canonical);
        if (!again || sy::rules::to_string(*again) != canonical) std::abort();
    }
    (void)sy::rules::default_priority(rule);

    static const std::string protos[] = {"h2", "imap"};
    sy::rules::conn_facts facts;
    facts.tls = true;
    facts.sni = "mail.example.com";
    facts.client_ip = *sy::parse_ip("10.1.2.3");
    facts.alpn = protos;
    sy::rules::conn_facts plain;
    for (auto s : {sy::rules::syntax::v3, sy::rules::syntax::v2}) {
        auto compiled = sy::rules::compile(rule, s);
        if (!compiled) continue;
        const bool m = (*compiled)->matches(facts);
        const auto lines = (*compiled)->explain(facts);
        if (lines.empty()) std::abort();  // every rule evaluates at least one matcher
        (void)(*compiled)->matches(plain);
        (void)m;
    }
    return 0;
}
