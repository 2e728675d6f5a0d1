#pragma once
// The request target and Traefik's list parameters (pkg/api/criterion.go, sort.go): search, status, serviceName,
// middlewareName filters, sortBy/direction, page/per_page pagination with X-Next-Page.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "runtime/snapshot.hpp"

namespace sy::api {

/// `%41` → `A`; `+` → space when `plus_is_space` (query strings). nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

/// A request target split into its path (still escaped, as gorilla/mux's UseEncodedPath matches it) and its query
/// parameters (decoded; the first value of a repeated key wins, as url.Values.Get does).
struct target {
    std::string path;
    std::map<std::string, std::string> query;
    std::string get(const std::string& key) const;
};
target parse_target(std::string_view t);

struct criterion {
    std::string search, status, service_name, middleware_name;
    bool active() const { return !search.empty() || !status.empty() || !service_name.empty() || !middleware_name.empty(); }
};
criterion make_criterion(const target& t);

bool keep_router(const criterion& c, const runtime::router_info& r);
/// Services and middlewares: status and search (in the name only).
bool keep_named(const criterion& c, const std::string& name, runtime::status s);

/// Sorts in place by `sortBy` (default name) and `direction` (asc, desc); ties by name, as Traefik's sortByFunc.
void sort_routers(std::vector<const runtime::router_info*>& v, const target& t);
void sort_services(std::vector<const runtime::service_info*>& v, const target& t);
void sort_middlewares(std::vector<const runtime::middleware_info*>& v, const target& t);

struct page {
    std::size_t start = 0;
    std::size_t end = 0;
    int next_page = 1;  ///< X-Next-Page: 1 when there is no next page
};
/// `page` (default 1) and `per_page` (default 100) over `total` items; an error names the bad parameter with
/// Traefik's message ("invalid request: page: 3, per_page: 1").
result<page> paginate(const target& t, std::size_t total);

}  // namespace sy::api
