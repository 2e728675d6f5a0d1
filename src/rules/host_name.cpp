#include "rules/host_name.hpp"

#include <vector>

#include "base/text.hpp"

namespace sy::rules {
namespace {

bool word_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-' || c == ':';
}

// Go's regexp.QuoteMeta.
std::string quote_meta(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (std::string_view(R"(\.+*?()|[]{}^$)").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

bool valid_host_v2(std::string_view host) {
    if (host.empty()) return false;
    for (char c : host)
        if (!word_host_char(c)) return false;
    return true;
}

bool valid_host_v3(std::string_view host) {
    if (host.starts_with("*.")) host.remove_prefix(2);
    return valid_host_v2(host);
}

bool host_matches(std::string_view sni, std::string_view host) {
    if (host.starts_with("*")) {
        // Replace the server name's first label by '*' and compare, as DomainMatchHostExpression does.
        const auto dot = sni.find('.');
        std::string star = "*";
        if (dot != std::string_view::npos) star += sni.substr(dot);
        return iequals(star, host);
    }
    return iequals(sni, host);
}

template_regexp template_to_regexp(std::string_view tmpl) {
    // braceIndices: first-level braces only.
    std::vector<size_t> idxs;
    int level = 0;
    size_t start = 0;
    for (size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] == '{') {
            if (++level == 1) start = i;
        } else if (tmpl[i] == '}') {
            if (--level == 0) {
                idxs.push_back(start);
                idxs.push_back(i + 1);
            } else if (level < 0) {
                return {"", "unbalanced braces"};
            }
        }
    }
    if (level != 0) return {"", "unbalanced braces"};
    std::string pattern = "(?i)^";
    size_t end = 0;
    for (size_t i = 0; i < idxs.size(); i += 2) {
        const std::string_view raw = tmpl.substr(end, idxs[i] - end);
        end = idxs[i + 1];
        const std::string_view inner = tmpl.substr(idxs[i] + 1, end - idxs[i] - 2);
        const auto colon = inner.find(':');
        const std::string_view name = inner.substr(0, colon);
        const std::string_view patt = colon == std::string_view::npos ? "[^.]+" : inner.substr(colon + 1);
        if (name.empty() || patt.empty())
            return {"", "missing name or pattern in \"" + std::string(tmpl.substr(idxs[i], end - idxs[i])) + "\""};
        pattern += quote_meta(raw) + "(?P<v" + std::to_string(i / 2) + ">" + std::string(patt) + ")";
    }
    pattern += quote_meta(tmpl.substr(end)) + "$";
    return {pattern, ""};
}

}  // namespace sy::rules
