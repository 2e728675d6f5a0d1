#include "api/query.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include "api/represent.hpp"
#include "base/text.hpp"

namespace sy::api {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string before_at(const std::string& s) { return s.substr(0, s.find('@')); }

template <class T, class Key>
void sort_by(std::vector<const T*>& v, bool asc, Key key) {
    std::sort(v.begin(), v.end(), [&](const T* a, const T* b) {
        auto ka = key(*a), kb = key(*b);
        if (ka == kb) return asc ? a->name < b->name : a->name > b->name;
        return asc ? ka < kb : ka > kb;
    });
}

bool ascending(const target& t) { return t.get("direction") != "desc"; }

const std::string& name_of(const auto& x) { return x.name; }

}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string target::get(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
}

target parse_target(std::string_view t) {
    target out;
    auto q = t.find('?');
    out.path = std::string(t.substr(0, q));
    if (q == std::string_view::npos) return out;
    std::string_view rest = t.substr(q + 1);
    if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
        if (!key || !value) continue;  // Go's ParseQuery skips a malformed pair and keeps the others
        out.query.emplace(std::move(*key), std::move(*value));
    }
    return out;
}

criterion make_criterion(const target& t) {
    return {t.get("search"), t.get("status"), t.get("serviceName"), t.get("middlewareName")};
}

namespace {
bool with_status(const criterion& c, runtime::status s) { return c.status.empty() || iequals(c.status, status_text(s)); }

bool search_in(const criterion& c, std::initializer_list<std::string_view> values) {
    if (c.search.empty()) return true;
    std::string needle = ascii_lower(c.search);
    return std::any_of(values.begin(), values.end(),
                       [&](std::string_view v) { return ascii_lower(v).find(needle) != std::string::npos; });
}

/// A router's service is written as configured, possibly without @provider: then only the part of the filter
/// before '@' is compared (Traefik's filterService).
bool filter_service(const criterion& c, const std::string& service) {
    if (c.service_name.empty()) return true;
    if (service.find('@') != std::string::npos) return c.service_name == service;
    return before_at(c.service_name) == service;
}
}  // namespace

bool keep_router(const criterion& c, const runtime::router_info& r) {
    if (!c.active()) return true;
    bool middleware_ok = c.middleware_name.empty() ||
                         std::find(r.config.middlewares.begin(), r.config.middlewares.end(), c.middleware_name) !=
                             r.config.middlewares.end();
    return with_status(c, r.state) && search_in(c, {r.config.rule, r.name}) && filter_service(c, r.config.service) &&
           middleware_ok;
}

bool keep_named(const criterion& c, const std::string& name, runtime::status s) {
    if (!c.active()) return true;
    return with_status(c, s) && search_in(c, {name});
}

void sort_routers(std::vector<const runtime::router_info*>& v, const target& t) {
    using R = runtime::router_info;
    std::string by = t.get("sortBy");
    bool asc = ascending(t);
    if (by == "provider") sort_by(v, asc, [](const R& r) { return r.provider; });
    else if (by == "priority") sort_by(v, asc, [](const R& r) { return r.priority; });
    else if (by == "status") sort_by(v, asc, [](const R& r) { return std::string(status_text(r.state)); });
    else if (by == "rule") sort_by(v, asc, [](const R& r) { return r.config.rule; });
    else if (by == "service") sort_by(v, asc, [](const R& r) { return r.config.service; });
    else if (by == "entryPoints") sort_by(v, asc, [](const R& r) { return r.config.entry_points.size(); });
    else sort_by(v, asc, [](const R& r) { return name_of(r); });
}

void sort_services(std::vector<const runtime::service_info*>& v, const target& t) {
    using S = runtime::service_info;
    std::string by = t.get("sortBy");
    bool asc = ascending(t);
    if (by == "provider") sort_by(v, asc, [](const S& s) { return s.provider; });
    else if (by == "status") sort_by(v, asc, [](const S& s) { return std::string(status_text(s.state)); });
    else if (by == "type")
        sort_by(v, asc, [](const S& s) { return std::string(s.config.weighted ? "weighted" : "loadbalancer"); });
    else if (by == "servers")
        sort_by(v, asc, [](const S& s) {
            return s.config.load_balancer ? s.config.load_balancer->servers.size() : std::size_t{0};
        });
    else sort_by(v, asc, [](const S& s) { return name_of(s); });
}

void sort_middlewares(std::vector<const runtime::middleware_info*>& v, const target& t) {
    using M = runtime::middleware_info;
    std::string by = t.get("sortBy");
    bool asc = ascending(t);
    if (by == "provider") sort_by(v, asc, [](const M& m) { return m.provider; });
    else if (by == "status") sort_by(v, asc, [](const M& m) { return std::string(status_text(m.state)); });
    else if (by == "type") sort_by(v, asc, [](const M& m) { return m.type; });
    else sort_by(v, asc, [](const M& m) { return name_of(m); });
}

namespace {
/// Traefik's getIntParam: absent = default; not a positive integer = error showing the value Atoi gave (0 on
/// failure).
result<int> int_param(const target& t, const std::string& key, int fallback) {
    std::string raw = t.get(key);
    if (raw.empty()) return fallback;
    int value = 0;
    auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (ec != std::errc() || ptr != raw.data() + raw.size()) value = 0;
    if (value <= 0) return diagnostic{"", "invalid request: " + key + ": " + std::to_string(value)};
    return value;
}
}  // namespace

result<page> paginate(const target& t, std::size_t total) {
    auto per_page = int_param(t, "per_page", 100);
    if (!per_page) return per_page.error();
    auto page_no = int_param(t, "page", 1);
    if (!page_no) return page_no.error();
    long long start = static_cast<long long>(*page_no - 1) * *per_page;
    long long max = static_cast<long long>(total);
    if (start != 0 && start >= max)
        return diagnostic{"", "invalid request: page: " + std::to_string(*page_no) +
                                  ", per_page: " + std::to_string(*per_page)};
    page p;
    p.start = static_cast<std::size_t>(start);
    p.end = static_cast<std::size_t>(std::min(start + *per_page, max));
    p.next_page = static_cast<long long>(*page_no) * *per_page < max ? *page_no + 1 : 1;
    return p;
}

}  // namespace sy::api
