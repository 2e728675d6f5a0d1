#pragma once
// Errors as values that name their input (DEVELOPERS.md: "router \"smtp@docker\": rule: unexpected ')' at 14").
#include <boost/system/result.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace sy {

/// One problem found in an input: `where` names the input (a key, a router, a file:line), `what` says what is wrong.
struct diagnostic {
    // Constructors (not an aggregate) so that result<std::string> is constructible from a string: with C++20's
    // parenthesised aggregate init, a string would also convert to a diagnostic and the conversion would be ambiguous.
    diagnostic() = default;
    diagnostic(std::string where_, std::string what_) : where(std::move(where_)), what(std::move(what_)) {}

    std::string where;
    std::string what;

    /// "where: what", or just `what` when there is no location.
    std::string to_string() const { return where.empty() ? what : where + ": " + what; }
    friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

/// Warnings do not stop anything; errors disable the element (router, service, ...) they belong to.
enum class severity { warning, error };

struct finding {
    severity level = severity::error;
    diagnostic diag;
};

using diagnostics = std::vector<diagnostic>;

inline std::ostream& operator<<(std::ostream& os, const diagnostic& d) { return os << d.to_string(); }

[[noreturn]] void throw_exception_from_error(const diagnostic& d, const boost::source_location& loc);

/// A value or the diagnostic that explains why there is none.
template <class T>
using result = boost::system::result<T, diagnostic>;

}  // namespace sy
