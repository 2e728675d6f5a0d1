// compile(): parse, resolve matcher names, compile each call for the chosen syntax, and evaluate the tree.
#include <string>
#include <vector>

#include "base/text.hpp"
#include "rules/matcher.hpp"
#include "rules/rule.hpp"

namespace sy::rules {
namespace {

struct node {
    expr::kind k = expr::kind::call;
    std::vector<node> operands;
    leaf_matcher leaf;  // for calls
};

std::string describe_facts(matcher_kind kind, const conn_facts& f) {
    switch (kind) {
        case matcher_kind::host_sni:
        case matcher_kind::host_sni_regexp:
            if (!f.sni.empty()) return "SNI \"" + std::string(f.sni) + "\"";
            return f.tls ? "no SNI sent" : "plain TCP, no SNI";
        case matcher_kind::client_ip: return "client IP " + f.client_ip.to_string();
        case matcher_kind::alpn: {
            if (f.alpn.empty()) return "no ALPN offered";
            std::string out = "ALPN offered: ";
            for (size_t i = 0; i < f.alpn.size(); ++i) out += (i ? ", " : "") + f.alpn[i];
            return out;
        }
    }
    return {};
}

// Short-circuit evaluation, as Traefik's matchersTree: the last matcher evaluated decides the result.
bool evaluate(const node& n, const conn_facts& f, std::vector<std::string>* trace, bool negated) {
    switch (n.k) {
        case expr::kind::call: {
            const bool r = n.leaf.test(f);
            if (trace) {
                std::string line = n.leaf.text + " at " + std::to_string(n.leaf.pos) + ": " + (r ? "true" : "false") +
                                   " (" + describe_facts(n.leaf.kind, f) + ")";
                if (negated) line += std::string(", negated: ") + (r ? "false" : "true");
                trace->push_back(std::move(line));
            }
            return r;
        }
        case expr::kind::negation: return !evaluate(n.operands.front(), f, trace, !negated);
        case expr::kind::all_of:
            for (const node& o : n.operands)
                if (!evaluate(o, f, trace, negated)) return false;
            return true;
        case expr::kind::any_of:
            for (const node& o : n.operands)
                if (evaluate(o, f, trace, negated)) return true;
            return false;
    }
    return false;
}

class tree_rule final : public compiled_rule {
public:
    explicit tree_rule(node root) : root_(std::move(root)) {}
    bool matches(const conn_facts& f) const override { return evaluate(root_, f, nullptr, false); }
    std::vector<std::string> explain(const conn_facts& f) const override {
        std::vector<std::string> lines;
        evaluate(root_, f, &lines, false);
        return lines;
    }

private:
    node root_;
};

// Matchers of Traefik's HTTP routers, often pasted into TCP rules by mistake.
constexpr std::string_view http_matchers[] = {"Host", "HostRegexp", "Path", "PathPrefix", "PathRegexp", "Method",
                                              "Header", "HeaderRegexp", "Query", "QueryRegexp", "Headers",
                                              "HostHeader", "PathStrip", "PathPrefixStrip"};

diagnostic unknown_matcher(const expr& call) {
    std::string what = "unknown matcher \"" + call.name + "\" at " + std::to_string(call.pos);
    for (std::string_view c : tcp_matcher_names) {
        if (iequals(call.name, c)) {
            const std::string lower = ascii_lower(c);
            std::string upper = lower, title = lower;
            for (char& ch : upper) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
            title[0] = static_cast<char>(title[0] - 'a' + 'A');
            return {"", what + " (Traefik accepts exactly " + std::string(c) + ", " + lower + ", " + upper + " or " +
                            title + ")"};
        }
    }
    for (std::string_view h : http_matchers)
        if (iequals(call.name, h))
            return {"", what + " (" + std::string(h) + " is an HTTP matcher; TCP rules use HostSNI, HostSNIRegexp, "
                                                       "ClientIP and ALPN)"};
    const std::vector<std::string> names(std::begin(tcp_matcher_names), std::end(tcp_matcher_names));
    const std::string near = closest_match(call.name, names);
    if (!near.empty()) what += " (did you mean \"" + near + "\"?)";
    return {"", what};
}

struct build_state {
    syntax s;
    compiled_rule* flags;
};

result<node> build(const expr& e, build_state& st) {
    node n;
    n.k = e.k;
    if (e.k != expr::kind::call) {
        for (const expr& o : e.operands) {
            auto sub = build(o, st);
            if (!sub) return sub.error();
            n.operands.push_back(std::move(*sub));
        }
        return n;
    }
    const auto name = resolve_name(e.name, tcp_matcher_names);
    if (!name) return unknown_matcher(e);
    auto leaf = st.s == syntax::v2 ? compile_v2(*name, e) : compile_v3(*name, e);
    if (!leaf) return leaf.error();
    if ((leaf->kind == matcher_kind::host_sni && !leaf->any_host) || leaf->kind == matcher_kind::host_sni_regexp)
        st.flags->uses_sni_hosts = true;
    if (leaf->kind == matcher_kind::alpn) st.flags->uses_alpn = true;
    if (leaf->kind == matcher_kind::client_ip) st.flags->uses_client_ip = true;
    n.leaf = std::move(*leaf);
    return n;
}

}  // namespace

result<std::shared_ptr<const compiled_rule>> compile(std::string_view rule, syntax s) {
    auto parsed = parse_expression(rule);
    if (!parsed) return diagnostic{"rule", parsed.error().what};
    tree_rule probe{node{}};
    build_state st{s, &probe};
    auto root = build(*parsed, st);
    if (!root) return diagnostic{"rule", root.error().what};
    auto out = std::make_shared<tree_rule>(std::move(*root));
    out->uses_sni_hosts = probe.uses_sni_hosts;
    out->uses_alpn = probe.uses_alpn;
    out->uses_client_ip = probe.uses_client_ip;
    out->is_catch_all = default_priority(rule) == -1;
    out->canonical = to_string(*parsed);
    return std::shared_ptr<const compiled_rule>(std::move(out));
}

}  // namespace sy::rules
