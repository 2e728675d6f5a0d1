// The binder: walks a node tree along field tables and assigns typed members, recording errors that name the key
// as the user wrote it. Nothing here throws; every problem becomes a diagnostic and binding goes on, so one run
// reports every bad key at once.
#include <charconv>
#include <limits>
#include <mutex>

#include "base/concat.hpp"
#include "base/text.hpp"
#include "decoder/schema.hpp"

namespace sy::decoder {

std::string bind_context::key(const node& n) const { return render_key(style, prefix, n.path); }

std::string bind_context::written(const node& n) const {
    return style == key_style::file || n.origin.empty() ? key(n) : n.origin;
}

std::string bind_context::where(const node& n) const {
    if (style == key_style::file) return n.origin.empty() ? key(n) : n.origin + ": " + key(n);
    return written(n);
}

namespace {

std::string quoted(std::string_view v) { return concat("\"", v, "\""); }

/// The scalar of a leaf, or an error: lists and sections are not scalars.
const std::string* scalar(const node& n, bind_context& ctx) {
    if (n.list) {
        ctx.error(n, "expects a single value, not a list");
        return nullptr;
    }
    if (!n.value) {
        ctx.error(n, "expects a value");
        return nullptr;
    }
    return &*n.value;
}

template <class I>
bool assign_integer(const node& n, I& out, bind_context& ctx) {
    const std::string* v = scalar(n, ctx);
    if (!v) return false;
    std::string_view t = trim(*v);
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    I parsed{};
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), parsed);
    if (t.empty() || ec == std::errc::invalid_argument || end != t.data() + t.size()) {
        ctx.error(n, "invalid value " + quoted(*v) + ": not an integer");
        return false;
    }
    if (ec == std::errc::result_out_of_range) {
        ctx.error(n, "invalid value " + quoted(*v) + ": out of range");
        return false;
    }
    out = parsed;
    return true;
}

}  // namespace

bool assign_leaf(const node& n, bool& out, bind_context& ctx) {
    const std::string* v = scalar(n, ctx);
    if (!v) return false;
    // Go's strconv.ParseBool, exactly: no "yes", no "on", no other casing.
    static constexpr std::string_view yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static constexpr std::string_view no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (auto y : yes)
        if (*v == y) return out = true, true;
    for (auto f : no)
        if (*v == f) return out = false, true;
    ctx.error(n, "invalid value " + quoted(*v) + ": not a boolean (true or false)");
    return false;
}

bool assign_leaf(const node& n, int& out, bind_context& ctx) { return assign_integer(n, out, ctx); }
bool assign_leaf(const node& n, int64_t& out, bind_context& ctx) { return assign_integer(n, out, ctx); }

bool assign_leaf(const node& n, std::string& out, bind_context& ctx) {
    const std::string* v = scalar(n, ctx);
    if (!v) return false;
    out = *v;
    return true;
}

namespace {

bool assign_duration(const node& n, duration& out, bind_context& ctx, bool negative_allowed) {
    const std::string* v = scalar(n, ctx);
    if (!v) return false;
    auto d = parse_duration(trim(*v));
    if (!d) {
        ctx.error(n, "invalid value " + quoted(*v) + ": " + d.error().to_string());
        return false;
    }
    if (*d < duration::zero() && !negative_allowed) {
        ctx.error(n, "invalid value " + quoted(*v) + ": must not be negative");
        return false;
    }
    if (*d > longest_duration || *d < -longest_duration) {
        ctx.error(n, "invalid value " + quoted(*v) + ": longer than " + format_duration(longest_duration) +
                         " (365 days), the longest duration Switchyard accepts");
        return false;
    }
    out = *d;
    return true;
}

class signed_duration_leaf final : public type_desc {
public:
    desc_kind kind() const override { return desc_kind::leaf; }
    void bind(const node& n, void* target, bind_context& ctx) const override {
        if (!n.children.empty()) {
            report_children_of_leaf_impl(n, ctx);
            return;
        }
        assign_duration(n, *static_cast<duration*>(target), ctx, true);
    }
};

}  // namespace

bool assign_leaf(const node& n, duration& out, bind_context& ctx) { return assign_duration(n, out, ctx, false); }

const type_desc& signed_duration_desc() {
    static const signed_duration_leaf d;
    return d;
}

bool assign_leaf(const node& n, std::vector<std::string>& out, bind_context& ctx) {
    if (n.list) {
        out = *n.list;
        return true;
    }
    if (!n.value) {
        ctx.error(n, "expects a value or a list");
        return false;
    }
    // Flags, environment and labels write lists comma-separated; Traefik trims and keeps empty elements.
    out = split_list(*n.value);
    return true;
}

bool assign_leaf(const node& n, std::vector<cidr>& out, bind_context& ctx) {
    std::vector<std::string> texts;
    if (!assign_leaf(n, texts, ctx)) return false;
    std::vector<cidr> parsed;
    bool ok = true;
    for (const auto& t : texts) {
        auto c = parse_cidr(trim(t));
        if (!c) {
            ctx.error(n, "invalid value " + quoted(t) + ": not an IP address or CIDR range (" +
                             c.error().to_string() + ")");
            ok = false;
            continue;
        }
        parsed.push_back(*c);
    }
    if (ok) out = std::move(parsed);
    return ok;
}

void report_children_of_leaf_impl(const node& n, bind_context& ctx) {
    std::vector<const node*> leaves;
    for (const auto& c : n.children) collect_leaves(c, leaves);
    const node& first = *leaves.front();
    ctx.error(first, "unknown key: " + ctx.key(n) + " is a single value and has no sub-keys");
}

bool allow_empty_creates(const node& n, bind_context& ctx) {
    if (n.list) {
        ctx.error(n, "expects true, false or sub-keys, not a list");
        return false;
    }
    if (!n.value || n.value->empty() || iequals(*n.value, "true")) return true;
    // Traefik (paerser, allowEmpty): any value other than "" or "true" leaves the whole section out, sub-keys
    // included. We keep that meaning and say so when it is probably not what was meant.
    const std::string& v = *n.value;
    if (!n.children.empty()) {
        std::vector<const node*> leaves;
        for (const auto& c : n.children) collect_leaves(c, leaves);
        ctx.warn(n, "is " + quoted(v) + ", which switches " + n.name + " off: " + ctx.key(*leaves.front()) +
                        (leaves.size() > 1 ? " and the other sub-keys are" : " is") + " ignored (Traefik's meaning)");
    } else if (!iequals(v, "false")) {
        ctx.warn(n, "is " + quoted(v) + ", which is not \"true\": Traefik reads it as " + n.name + " off");
    }
    return false;
}

void report_value_on_section(const node& n, bind_context& ctx) {
    ctx.error(n, "cannot take a value (" + (n.value ? quoted(*n.value) : std::string("a list")) +
                     "): it is a section, set its sub-keys instead");
}

std::optional<size_t> parse_index(std::string_view s) {
    if (s.size() < 3 || s.front() != '[' || s.back() != ']') return std::nullopt;
    s = s.substr(1, s.size() - 2);
    size_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    // A bound keeps a typo ("[100000000]") from allocating gigabytes; no real list is this long.
    if (ec != std::errc() || end != s.data() + s.size() || v > 1000) return std::nullopt;
    return v;
}

const field* struct_desc::find(std::string_view segment) const {
    for (const auto& f : fields_)
        if (iequals(f.name, segment)) return &f;
    return nullptr;
}

void struct_desc::bind(const node& n, void* target, bind_context& ctx) const {
    if (presence_) {
        bool created = allow_empty_creates(n, ctx);
        *presence_(target) = created;
        if (!created) return;
    } else if ((n.value && !n.value->empty()) || n.list) {
        report_value_on_section(n, ctx);  // and go on: the sub-keys may hold more to report
    }
    bind_children(n, target, ctx);
}

void struct_desc::bind_children(const node& n, void* target, bind_context& ctx) const {
    for (const auto& c : n.children) {
        if (const field* f = find(c.name)) {
            f->type->bind(c, f->access ? f->access(target) : nullptr, ctx);
            continue;
        }
        std::vector<std::string> names;
        for (const auto& f : fields_) names.push_back(f.name);
        std::string best = closest_match(c.name, names);
        std::vector<const node*> leaves;
        collect_leaves(c, leaves);
        const node& leaf_node = *leaves.front();
        std::string what = "unknown key";
        if (!best.empty()) {
            std::vector<std::string> suggested = leaf_node.path;
            suggested[c.path.size() - 1] = best;
            what += "; did you mean " + render_key(ctx.style, ctx.prefix, suggested) + "?";
        }
        ctx.error(leaf_node, what);
    }
}

void ignored_desc::bind(const node& n, void*, bind_context& ctx) const {
    std::vector<const node*> leaves;
    if (n.value || n.list) leaves.push_back(&n);
    for (const auto& c : n.children) collect_leaves(c, leaves);
    for (const node* l : leaves) {
        if (record_) ctx.ignored.push_back(ctx.written(*l));
        if (warn_) ctx.warn(*l, reason_);
    }
}

const type_desc& keep(std::unique_ptr<type_desc> d) {
    static std::mutex mutex;
    static std::vector<std::unique_ptr<type_desc>> all;
    std::lock_guard lock(mutex);
    all.push_back(std::move(d));
    return *all.back();
}

field ignored(std::string name, std::string reason, bool warn, bool record) {
    return field{std::move(name), &keep(std::make_unique<ignored_desc>(std::move(reason), warn, record)), {}, {}};
}

const type_desc& structure(std::vector<field> fields) { return keep(std::make_unique<struct_desc>(std::move(fields))); }

}  // namespace sy::decoder
