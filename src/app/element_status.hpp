#pragma once
// The routers, services, middlewares and certificates of a snapshot that are not enabled, with their errors: what the run
// command logs at each change and what `config check` prints.
#include <string>
#include <string_view>
#include <vector>

#include "runtime/snapshot.hpp"

namespace sy::app {

struct element_status {
    std::string_view kind;  ///< "router", "service", "middleware", "certificate"
    std::string name;
    runtime::status state;
    std::vector<std::string> errors;
    friend bool operator==(const element_status&, const element_status&) = default;
};

/// Disabled and warning elements, routers first, each kind in name order; certificates last, in load order.
std::vector<element_status> not_enabled(const runtime::snapshot& snap);

/// "error one; error two".
std::string joined(const std::vector<std::string>& errors);

}  // namespace sy::app
