#include "providers/docker/constraints.hpp"

#include <vector>

#include <re2/re2.h>

#include "rules/expression.hpp"

namespace sy::providers::docker {

struct constraint::node {
    rules::expr::kind kind = rules::expr::kind::call;
    bool regex = false;  ///< call: LabelRegex rather than Label
    std::string key, value;
    std::unique_ptr<RE2> re;
    std::vector<node> operands;
};

namespace {

using node = constraint::node;

result<node> lower(const rules::expr& e, std::string_view text) {
    node n;
    n.kind = e.k;
    if (e.k != rules::expr::kind::call) {
        for (const auto& op : e.operands) {
            auto child = lower(op, text);
            if (!child) return child.error();
            n.operands.push_back(std::move(*child));
        }
        return n;
    }
    const std::string where = "providers.docker.constraints";
    if (e.name != "Label" && e.name != "LabelRegex")
        return diagnostic{where, "unknown function \"" + e.name + "\" at " + std::to_string(e.pos) +
                                     " (Label or LabelRegex)"};
    if (e.args.size() != 2)
        return diagnostic{where, e.name + " takes 2 arguments, got " + std::to_string(e.args.size()) + " at " +
                                     std::to_string(e.pos)};
    n.regex = e.name == "LabelRegex";
    n.key = e.args[0];
    n.value = e.args[1];
    if (n.regex) {
        RE2::Options options;
        options.set_log_errors(false);
        n.re = std::make_unique<RE2>(n.value, options);
        if (!n.re->ok())
            return diagnostic{where, "LabelRegex at " + std::to_string(e.pos) + ": " + n.re->error()};
    }
    return n;
}

bool eval(const node& n, const std::map<std::string, std::string>& labels) {
    switch (n.kind) {
    case rules::expr::kind::all_of:
        for (const auto& op : n.operands)
            if (!eval(op, labels)) return false;
        return true;
    case rules::expr::kind::any_of:
        for (const auto& op : n.operands)
            if (eval(op, labels)) return true;
        return false;
    case rules::expr::kind::negation:
        return !n.operands.empty() && !eval(n.operands.front(), labels);
    case rules::expr::kind::call: break;
    }
    auto it = labels.find(n.key);
    const std::string& value = it == labels.end() ? std::string() : it->second;
    return n.regex ? RE2::PartialMatch(value, *n.re) : value == n.value;
}

}  // namespace

constraint::constraint() = default;
constraint::~constraint() = default;
constraint::constraint(constraint&&) noexcept = default;
constraint& constraint::operator=(constraint&&) noexcept = default;

bool constraint::matches(const std::map<std::string, std::string>& labels) const {
    return !root_ || eval(*root_, labels);
}

result<constraint> compile_constraint(std::string_view text) {
    constraint c;
    c.text_ = std::string(text);
    if (text.find_first_not_of(" \t") == std::string_view::npos) return c;
    auto tree = rules::parse_expression(text);
    if (!tree) return diagnostic{"providers.docker.constraints", tree.error().what};
    auto root = lower(*tree, text);
    if (!root) return root.error();
    c.root_ = std::make_unique<node>(std::move(*root));
    return c;
}

}  // namespace sy::providers::docker
