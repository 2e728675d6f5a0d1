#include "decoder/node.hpp"

#include "base/concat.hpp"
#include "base/text.hpp"

namespace sy::decoder {

const node* node::find(std::string_view segment) const {
    for (const auto& c : children)
        if (iequals(c.name, segment)) return &c;
    return nullptr;
}

node* node::find(std::string_view segment) {
    for (auto& c : children)
        if (iequals(c.name, segment)) return &c;
    return nullptr;
}

namespace {
/// A node's new spelling reaches every path below it.
void rename_at(node& n, size_t depth, const std::string& name) {
    n.path[depth] = name;
    for (auto& c : n.children) rename_at(c, depth, name);
}
}  // namespace

node& node::child(std::string_view segment) {
    if (node* existing = find(segment)) {
        if (std::string_view(segment) < std::string_view(existing->name)) {
            existing->name = std::string(segment);
            rename_at(*existing, existing->path.size() - 1, existing->name);
        }
        return *existing;
    }
    node& c = children.emplace_back();
    c.name = std::string(segment);
    c.path = path;
    c.path.push_back(c.name);
    return c;
}

node& node::at(std::span<const std::string> segments) {
    node* n = this;
    for (const auto& s : segments) n = &n->child(s);
    return *n;
}

std::optional<std::vector<std::string>> split_key(std::string_view key) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t dot = key.find('.', start);
        std::string_view seg = key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (seg.empty()) return std::nullopt;
        // `name[3]`: a slice index, written without a dot before it.
        size_t bracket = seg.find('[');
        if (bracket != std::string_view::npos && bracket > 0 && seg.back() == ']') {
            std::string_view index = seg.substr(bracket + 1, seg.size() - bracket - 2);
            bool digits = !index.empty() && index.size() <= 6;
            for (char c : index) digits = digits && c >= '0' && c <= '9';
            if (digits) {
                out.emplace_back(seg.substr(0, bracket));
                out.push_back(concat("[", index, "]"));
            } else {
                out.emplace_back(seg);
            }
        } else {
            out.emplace_back(seg);
        }
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return out;
}

std::string render_key(key_style style, std::string_view prefix, std::span<const std::string> path) {
    std::string out(prefix);
    bool first = true;
    for (const auto& seg : path) {
        bool index = !seg.empty() && seg.front() == '[';
        if (style == key_style::env) {
            if (!first) out += '_';
            for (char c : index ? seg.substr(1, seg.size() - 2) : seg)
                out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        } else {
            if (!first && !index) out += '.';
            out += seg;
        }
        first = false;
    }
    return out;
}

void collect_leaves(const node& n, std::vector<const node*>& out) {
    if (n.children.empty()) {
        out.push_back(&n);
        return;
    }
    for (const auto& c : n.children) collect_leaves(c, out);
}

}  // namespace sy::decoder
