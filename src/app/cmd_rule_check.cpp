// `switchyard rule check`: compile a rule as a router would and match it against one described connection.
// Exit codes: 0 match, 1 no match, 2 the rule (or the command line) is refused.
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.hpp"
#include "base/address.hpp"
#include "base/text.hpp"
#include "rules/rule.hpp"

namespace sy::app {
namespace {

constexpr const char* usage =
    "usage: switchyard rule check [--syntax v2|v3] [--sni NAME] [--client-ip IP] [--alpn PROTO]... [--tls]\n"
    "                             [--explain] [--] RULE\n"
    "\n"
    "Compiles RULE as a TCP router's rule (Traefik's syntax, v3 unless --syntax v2) and matches it against one\n"
    "connection. --sni and --alpn describe a TLS ClientHello (they imply --tls); without them the connection is\n"
    "plain TCP. Prints \"match\" (exit 0) or \"no match\" (exit 1); a rule that is refused exits 2.\n"
    "  --explain   also show each matcher evaluated and which one decided\n";

struct options {
    rules::syntax syntax = rules::syntax::v3;
    bool tls = false;
    bool explain = false;
    std::string sni;
    std::string client_ip;
    std::vector<std::string> alpn;
    std::vector<std::string> rule;  // positional arguments: exactly one is expected
};

int fail(const std::string& message) {
    std::fprintf(stderr, "switchyard: %s\n", message.c_str());
    return 2;
}

// The byte offset an error names (its last " at N"), to draw a caret under the rule.
std::optional<size_t> error_position(std::string_view what) {
    std::optional<size_t> pos;
    for (size_t at = what.find(" at "); at != std::string_view::npos; at = what.find(" at ", at + 1)) {
        size_t i = at + 4, n = 0;
        if (i >= what.size() || what[i] < '0' || what[i] > '9') continue;
        while (i < what.size() && what[i] >= '0' && what[i] <= '9') n = n * 10 + static_cast<size_t>(what[i++] - '0');
        pos = n;
    }
    return pos;
}

void show_caret(std::string_view rule, size_t pos) {
    if (pos > rule.size() || rule.find('\n') != std::string_view::npos) return;
    size_t column = 0;  // in characters: UTF-8 continuation bytes take no column
    for (size_t i = 0; i < pos; ++i)
        if ((static_cast<unsigned char>(rule[i]) & 0xC0) != 0x80) ++column;
    std::fprintf(stderr, "  %.*s\n  %s^\n", static_cast<int>(rule.size()), rule.data(), std::string(column, ' ').c_str());
}

// Reads `--name value` or `--name=value`. Returns false when `arg` is not this option.
bool take_value(std::string_view arg, std::string_view name, int& i, int argc, char** argv, std::string& out,
                std::string& error) {
    if (arg == name) {
        if (i + 1 >= argc) {
            error = std::string(name) + " needs a value";
            return true;
        }
        out = argv[++i];
        return true;
    }
    if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
        out = std::string(arg.substr(name.size() + 1));
        return true;
    }
    return false;
}

}  // namespace

int cmd_rule_check(int argc, char** argv) {
    options o;
    bool only_positional = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (only_positional || arg.empty() || arg[0] != '-' || arg == "-") {
            o.rule.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (arg == "--tls") {
            o.tls = true;
            continue;
        }
        if (arg == "--explain") {
            o.explain = true;
            continue;
        }
        std::string value, error;
        if (take_value(arg, "--syntax", i, argc, argv, value, error)) {
            if (!error.empty()) return fail(error);
            if (value != "v2" && value != "v3") return fail("--syntax must be v2 or v3, not \"" + value + "\"");
            o.syntax = value == "v2" ? rules::syntax::v2 : rules::syntax::v3;
        } else if (take_value(arg, "--sni", i, argc, argv, value, error)) {
            if (!error.empty()) return fail(error);
            o.sni = ascii_lower(trim(value));  // as Traefik's CanonicalDomain does to the ClientHello's name
            o.tls = true;
        } else if (take_value(arg, "--client-ip", i, argc, argv, value, error)) {
            if (!error.empty()) return fail(error);
            o.client_ip = value;
        } else if (take_value(arg, "--alpn", i, argc, argv, value, error)) {
            if (!error.empty()) return fail(error);
            o.alpn.push_back(value);
            o.tls = true;
        } else {
            std::fputs(usage, stderr);
            return fail("unknown option \"" + std::string(arg) + "\" (put -- before a rule that starts with '-')");
        }
    }
    if (o.rule.size() != 1) {
        std::fputs(usage, stderr);
        return fail(o.rule.empty() ? "no rule given" : "give the rule as one argument (quote it in the shell)");
    }
    const std::string& rule = o.rule.front();

    auto compiled = rules::compile(rule, o.syntax);
    if (!compiled) {
        std::fprintf(stderr, "switchyard: %s\n", compiled.error().to_string().c_str());
        if (auto pos = error_position(compiled.error().what)) show_caret(rule, *pos);
        return 2;
    }
    const rules::compiled_rule& r = **compiled;
    if (!o.tls && r.uses_sni_hosts)
        return fail("the connection is plain TCP (no --sni, --alpn or --tls), so only a router without TLS could "
                    "get it, and there: " +
                    rules::non_tls_host_sni_error());

    rules::conn_facts facts;
    facts.tls = o.tls;
    facts.sni = o.sni;
    facts.alpn = o.alpn;
    if (!o.client_ip.empty()) {
        auto ip = parse_ip(o.client_ip);
        if (!ip || o.client_ip.front() == '[') return fail("--client-ip: invalid IP address \"" + o.client_ip + "\"");
        facts.client_ip = unmap(*ip);
    } else if (r.uses_client_ip) {
        return fail("the rule uses ClientIP: give the connection's address with --client-ip IP");
    }

    const bool matched = r.matches(facts);
    std::puts(matched ? "match" : "no match");
    if (o.explain) {
        std::printf("  rule: %s (syntax %s, default priority %lld)\n", r.canonical.c_str(),
                    o.syntax == rules::syntax::v2 ? "v2" : "v3",
                    static_cast<long long>(rules::default_priority(rule)));
        const auto lines = r.explain(facts);
        for (const auto& line : lines) std::printf("  %s\n", line.c_str());
        if (!lines.empty()) {
            // Evaluation short-circuits like Traefik's: the last matcher evaluated decided the result.
            const std::string& last = lines.back();
            std::printf("  decided by: %s\n", last.substr(0, last.find(": ")).c_str());
        }
    }
    return matched ? 0 : 1;
}

}  // namespace sy::app
