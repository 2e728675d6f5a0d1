#include "rules/matcher_support.hpp"

#include <re2/re2.h>

#include "base/concat.hpp"
#include "rules/lexer.hpp"
#include "rules/matcher.hpp"

namespace sy::rules {

diagnostic leaf_error(const expr& call, size_t arg_index, std::string what) {
    const size_t pos = arg_index < call.arg_pos.size() ? call.arg_pos[arg_index] : call.pos;
    return diagnostic{"", what + " at " + std::to_string(pos)};
}

result<void> check_arguments(const expr& call, std::string_view name) {
    if (call.args.empty())
        return leaf_error(call, 0, std::string(name) + " has no argument (write " + std::string(name) + "(`...`))");
    for (size_t i = 0; i < call.args.size(); ++i)
        if (call.args[i].empty()) return leaf_error(call, i, "empty argument to " + std::string(name));
    return {};
}

result<cidr> parse_client_ip(std::string_view value) {
    const std::string quoted = concat("\"", value, "\"");
    if (value.find_first_of("[]%") != std::string_view::npos)
        return diagnostic{"", quoted + " is not an IP address or CIDR (no brackets or zones)"};
    auto range = parse_cidr(value);
    if (!range) return diagnostic{"", quoted + " is not an IP address or CIDR"};
    return *range;
}

bool contains_ip(const std::vector<cidr>& ranges, const ip_address& ip) {
    for (const cidr& c : ranges)
        if (c.contains(ip)) return true;
    return false;
}

struct regexp::impl {
    explicit impl(std::string_view pattern, const RE2::Options& o) : re(re2::StringPiece(pattern.data(), pattern.size()), o) {}
    RE2 re;
};

result<regexp> regexp::compile(std::string_view pattern) {
    RE2::Options options;
    options.set_log_errors(false);  // the error goes back to the caller, not to stderr
    auto compiled = std::make_shared<const impl>(pattern, options);
    if (!compiled->re.ok()) return diagnostic{"", compiled->re.error()};
    regexp r;
    r.impl_ = std::move(compiled);
    return r;
}

bool regexp::search(std::string_view text) const {
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), impl_->re);
}

std::string render_call(std::string_view name, const std::vector<std::string>& args) {
    std::string out(name);
    out += '(';
    for (size_t i = 0; i < args.size(); ++i) {
        if (i) out += ", ";
        out += quote_go(args[i]);
    }
    return out + ')';
}

}  // namespace sy::rules
