#pragma once
// The one configuration tree (Traefik's paerser idea): every source (flags, environment, YAML, TOML, Docker labels)
// becomes a tree of path segments with values at the leaves, and one binder turns that tree into typed structs.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sy::decoder {

/// How a source spells a key, so that diagnostics quote the key the way the user wrote it.
enum class key_style {
    flag,   ///< --entryPoints.smtp.address
    env,    ///< TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS
    file,   ///< entryPoints.smtp.address (with file:line in front when known)
    label,  ///< traefik.tcp.routers.smtp.rule
};

struct node {
    std::string name;                 ///< segment as written: "entryPoints", "Smtp", "[0]"
    std::vector<std::string> path;    ///< every segment from the root, as written (root excluded)
    std::optional<std::string> value; ///< a scalar (a bare flag is "true", a YAML null is "")
    std::optional<std::vector<std::string>> list;  ///< a real list of scalars (YAML/TOML sequences)
    std::vector<node> children;
    std::string origin;               ///< where the value came from: "TRAEFIK_LOG_LEVEL", "traefik.yml:12"

    bool is_leaf() const { return children.empty(); }
    /// The child whose name equals `segment` case-insensitively, or null.
    const node* find(std::string_view segment) const;
    node* find(std::string_view segment);
    /// The child `segment`, created when missing. Names that differ only in case are one node whose spelling is
    /// the one that sorts first in byte order, as paerser does (`routers.Mail` + `routers.mail` = router `Mail`).
    node& child(std::string_view segment);
    /// Follows `segments` from this node, creating nodes as needed.
    node& at(std::span<const std::string> segments);
};

/// Splits a dotted key into segments; `name[3]` becomes "name", "[3]". Fails (empty optional) on an empty segment
/// ("a..b", "a.", ".a"), which paerser refuses as `invalid element`.
std::optional<std::vector<std::string>> split_key(std::string_view key);

/// Renders a path in a source's own spelling ("--entryPoints.smtp.address", "TRAEFIK_ENTRYPOINTS_SMTP_ADDRESS").
/// `prefix` is the flag/env/label prefix ("--", "TRAEFIK_", "traefik.").
std::string render_key(key_style style, std::string_view prefix, std::span<const std::string> path);

/// Every leaf under `n` (or `n` itself), in tree order.
void collect_leaves(const node& n, std::vector<const node*>& out);

}  // namespace sy::decoder
