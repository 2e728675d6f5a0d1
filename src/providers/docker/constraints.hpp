#pragma once
// providers.docker.constraints: an expression over a container's labels (Traefik's
// pkg/provider/constraints/constraints_labels.go): Label(`k`,`v`), LabelRegex(`k`,`re`), &&, ||, ! and parentheses,
// parsed by the rule language's expression parser as Traefik reuses its rule parser.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/diagnostic.hpp"

namespace sy::providers::docker {

class constraint {
public:
    struct node;
    /// Empty constraint: everything matches.
    constraint();
    ~constraint();
    constraint(constraint&&) noexcept;
    constraint& operator=(constraint&&) noexcept;

    /// True when the labels satisfy the expression. Label(`k`,`v`) compares the label's value, a missing label
    /// reading as "" (as Go's map lookup); LabelRegex is an unanchored RE2 search, as Go's regexp.MatchString.
    bool matches(const std::map<std::string, std::string>& labels) const;

    /// The expression as given (for logs).
    const std::string& text() const { return text_; }

    friend result<constraint> compile_constraint(std::string_view text);

private:
    std::string text_;
    std::unique_ptr<node> root_;
};

/// Compiles the expression once. A bad regexp is refused here; Traefik only fails when matching, which drops every
/// container with an error per container.
result<constraint> compile_constraint(std::string_view text);

}  // namespace sy::providers::docker
