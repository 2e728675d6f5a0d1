#pragma once
// Field tables: how a node tree binds into typed structs. A table lists, per struct, the path segment of each
// member (matched case-insensitively, as paerser does) and the member's type; maps bind named children, slices bind
// `[n]` children, optional structs follow Traefik's "allowEmpty" rule. Tables are built once and never freed.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "base/address.hpp"
#include "base/diagnostic.hpp"
#include "base/duration.hpp"
#include "decoder/node.hpp"

namespace sy::decoder {

/// What binding found, with keys rendered in the source's own spelling.
struct bind_context {
    key_style style = key_style::file;
    std::string prefix;                ///< "--", "TRAEFIK_", "traefik.", or "" for files
    std::vector<diagnostic> errors;
    std::vector<diagnostic> warnings;  ///< Traefik's surprising meanings, ignored label-only fields
    std::vector<std::string> ignored;  ///< keys accepted for compatibility and not used (HTTP-only ones)

    std::string key(const node& n) const;      ///< the key of `n` rendered from its path
    std::string written(const node& n) const;  ///< the key as the user wrote it (flag, variable, label) when known
    std::string where(const node& n) const;    ///< written(n); for files "file:line: key"
    void error(const node& n, std::string what) { errors.push_back({where(n), std::move(what)}); }
    void warn(const node& n, std::string what) { warnings.push_back({where(n), std::move(what)}); }
};

class type_desc;

struct field {
    std::string name;                    ///< segment, spelled as Traefik documents it
    const type_desc* type = nullptr;
    std::function<void*(void*)> access;  ///< from the struct to the member (may create it, e.g. servers[0])
    std::string help;                    ///< one line for `switchyard --help`; empty: not listed
};

enum class desc_kind { leaf, structure, map, slice, optional, ignored };

class type_desc {
public:
    virtual ~type_desc() = default;
    virtual desc_kind kind() const = 0;
    virtual void bind(const node& n, void* target, bind_context& ctx) const = 0;
    virtual const std::vector<field>* fields() const { return nullptr; }  ///< structure
    virtual const type_desc* element() const { return nullptr; }          ///< map, slice, optional
};

// ---- leaves -----------------------------------------------------------------------------------------------------
// Each returns false after recording an error naming the key and the value.
bool assign_leaf(const node& n, bool& out, bind_context& ctx);          ///< Go ParseBool forms
bool assign_leaf(const node& n, int& out, bind_context& ctx);
bool assign_leaf(const node& n, int64_t& out, bind_context& ctx);
bool assign_leaf(const node& n, std::string& out, bind_context& ctx);
/// "10s", "1m30s", bare seconds; from 0 to longest_duration. Keys where a negative value means something use
/// signed_duration() instead.
bool assign_leaf(const node& n, duration& out, bind_context& ctx);
bool assign_leaf(const node& n, std::vector<std::string>& out, bind_context& ctx);  ///< list, or comma-split
bool assign_leaf(const node& n, std::vector<cidr>& out, bind_context& ctx);

template <class T>
class leaf_desc final : public type_desc {
public:
    desc_kind kind() const override { return desc_kind::leaf; }
    void bind(const node& n, void* target, bind_context& ctx) const override {
        if (!n.children.empty()) {
            report_children_of_leaf(n, ctx);
            return;
        }
        if constexpr (requires(T& t) { t.has_value(); }) {
            typename T::value_type v{};
            if (assign_leaf(n, v, ctx)) *static_cast<T*>(target) = v;
        } else {
            assign_leaf(n, *static_cast<T*>(target), ctx);
        }
    }
    static void report_children_of_leaf(const node& n, bind_context& ctx);
};

void report_children_of_leaf_impl(const node& n, bind_context& ctx);
template <class T>
void leaf_desc<T>::report_children_of_leaf(const node& n, bind_context& ctx) {
    report_children_of_leaf_impl(n, ctx);
}

template <class T>
const type_desc& leaf_of() {
    static const leaf_desc<T> d;
    return d;
}

/// The leaf of signed_duration() fields.
const type_desc& signed_duration_desc();

// ---- structures -------------------------------------------------------------------------------------------------
class struct_desc final : public type_desc {
public:
    explicit struct_desc(std::vector<field> fields, std::function<bool*(void*)> presence = {})
        : fields_(std::move(fields)), presence_(std::move(presence)) {}
    desc_kind kind() const override { return desc_kind::structure; }
    void bind(const node& n, void* target, bind_context& ctx) const override;
    const std::vector<field>* fields() const override { return &fields_; }
    const field* find(std::string_view segment) const;
    /// Binds the children of `n` only (its value, if any, was handled by the caller).
    void bind_children(const node& n, void* target, bind_context& ctx) const;

private:
    std::vector<field> fields_;
    /// Static sections Traefik keeps as pointers with allowEmpty (`--providers.docker`, `--api`, `--ping`): our
    /// structs hold an `enabled` flag instead, set when the section appears with an empty or "true" value.
    std::function<bool*(void*)> presence_;
};

/// Accepted and not used. `warn` makes each key a warning (label-only fields Traefik ignores); `record` lists the
/// keys in bind_context::ignored (HTTP-only static keys); neither: silently skipped (`--configFile`).
class ignored_desc final : public type_desc {
public:
    ignored_desc(std::string reason, bool warn, bool record) : reason_(std::move(reason)), warn_(warn), record_(record) {}
    desc_kind kind() const override { return desc_kind::ignored; }
    void bind(const node& n, void* target, bind_context& ctx) const override;

private:
    std::string reason_;
    bool warn_, record_;
};

/// Traefik's allowEmpty on an optional struct, shared by map-free and optional binders.
/// Returns true when the section is to be created and its children bound.
bool allow_empty_creates(const node& n, bind_context& ctx);
/// A non-empty value on a section that takes none: paerser's "cannot be a standalone element".
void report_value_on_section(const node& n, bind_context& ctx);

template <class T>
class optional_desc final : public type_desc {
public:
    optional_desc(const type_desc& inner, bool allow_empty) : inner_(inner), allow_empty_(allow_empty) {}
    desc_kind kind() const override { return desc_kind::optional; }
    const type_desc* element() const override { return &inner_; }
    void bind(const node& n, void* target, bind_context& ctx) const override {
        auto& opt = *static_cast<std::optional<T>*>(target);
        if (allow_empty_) {
            if (!allow_empty_creates(n, ctx)) return;
            if (!opt) opt.emplace();
            // The value ("", "true") has done its job; the children fill the section.
            if (inner_.kind() == desc_kind::structure)
                static_cast<const struct_desc&>(inner_).bind_children(n, &*opt, ctx);
            else
                inner_.bind(n, &*opt, ctx);
            return;
        }
        if (!opt) opt.emplace();
        inner_.bind(n, &*opt, ctx);
    }

private:
    const type_desc& inner_;
    bool allow_empty_;
};

template <class V>
class map_desc final : public type_desc {
public:
    explicit map_desc(const type_desc& inner) : inner_(inner) {}
    desc_kind kind() const override { return desc_kind::map; }
    const type_desc* element() const override { return &inner_; }
    void bind(const node& n, void* target, bind_context& ctx) const override {
        if ((n.value && !n.value->empty()) || n.list) report_value_on_section(n, ctx);
        auto& m = *static_cast<std::map<std::string, V>*>(target);
        for (const auto& c : n.children) inner_.bind(c, &m[c.name], ctx);
    }

private:
    const type_desc& inner_;
};

/// Parses "[12]" into 12; refuses other segments and indexes too large to be meant.
std::optional<size_t> parse_index(std::string_view segment);

template <class E>
class slice_desc final : public type_desc {
public:
    explicit slice_desc(const type_desc& inner) : inner_(inner) {}
    desc_kind kind() const override { return desc_kind::slice; }
    const type_desc* element() const override { return &inner_; }
    void bind(const node& n, void* target, bind_context& ctx) const override {
        if ((n.value && !n.value->empty()) || n.list) report_value_on_section(n, ctx);
        auto& v = *static_cast<std::vector<E>*>(target);
        for (const auto& c : n.children) {
            auto index = parse_index(c.name);
            if (!index) {
                ctx.error(c, "expected a list index such as [0] here, not \"" + c.name + "\"");
                continue;
            }
            if (v.size() <= *index) v.resize(*index + 1);
            inner_.bind(c, &v[*index], ctx);
        }
    }

private:
    const type_desc& inner_;
};

// ---- building tables --------------------------------------------------------------------------------------------
/// Keeps a descriptor alive for the life of the program and returns it.
const type_desc& keep(std::unique_ptr<type_desc> d);

template <class S, class M>
std::function<void*(void*)> member_access(M S::*m) {
    return [m](void* s) -> void* { return &(static_cast<S*>(s)->*m); };
}

/// A scalar or string-list member.
template <class S, class M>
field leaf(std::string name, M S::*m, std::string help = {}) {
    return field{std::move(name), &leaf_of<M>(), member_access(m), std::move(help)};
}

/// A duration member where a negative value has a meaning (Traefik's terminationDelay: never close; dialKeepAlive:
/// no keep-alive), so negatives are accepted; every other duration key refuses them.
template <class S>
field signed_duration(std::string name, duration S::*m, std::string help = {}) {
    return field{std::move(name), &signed_duration_desc(), member_access(m), std::move(help)};
}

/// A struct member described by `d`.
template <class S, class M>
field sub(std::string name, M S::*m, const type_desc& d, std::string help = {}) {
    return field{std::move(name), &d, member_access(m), std::move(help)};
}

/// std::optional<T> member; allow_empty follows Traefik's label:"allowEmpty" (tls, proxyProtocol, healthCheck).
template <class S, class T>
field optional(std::string name, std::optional<T> S::*m, const type_desc& inner, bool allow_empty,
               std::string help = {}) {
    return field{std::move(name), &keep(std::make_unique<optional_desc<T>>(inner, allow_empty)), member_access(m),
                 std::move(help)};
}

/// std::map<std::string, V> member: named children.
template <class S, class V>
field map(std::string name, std::map<std::string, V> S::*m, const type_desc& inner, std::string help = {}) {
    return field{std::move(name), &keep(std::make_unique<map_desc<V>>(inner)), member_access(m), std::move(help)};
}

/// std::vector<E> member of structs: `[n]` children.
template <class S, class E>
field slice(std::string name, std::vector<E> S::*m, const type_desc& inner, std::string help = {}) {
    return field{std::move(name), &keep(std::make_unique<slice_desc<E>>(inner)), member_access(m), std::move(help)};
}

/// A key (and everything under it) accepted and not used; see ignored_desc.
field ignored(std::string name, std::string reason, bool warn, bool record);

/// A struct table; `presence` (optional) points at the struct's `enabled` flag.
const type_desc& structure(std::vector<field> fields);
template <class S>
const type_desc& structure(std::vector<field> fields, bool S::*presence) {
    return keep(std::make_unique<struct_desc>(std::move(fields),
                                              [presence](void* s) { return &(static_cast<S*>(s)->*presence); }));
}

/// Binds the tree `root` into `target` described by `d`.
template <class T>
void bind(const node& root, T& target, const type_desc& d, bind_context& ctx) {
    d.bind(root, &target, ctx);
}

}  // namespace sy::decoder
