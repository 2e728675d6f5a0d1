#include <algorithm>

#include "base/text.hpp"
#include "decoder/readers.hpp"
#include "decoder/schema.hpp"

namespace sy::decoder {

namespace {

struct resolver {
    std::span<const std::string> segs;  // lower case, from the variable name
    std::vector<std::string> path;      // resolved, in the tables' spelling
    // The deepest structure where resolution failed, for the suggestion.
    size_t deepest = 0;
    std::vector<std::string> deepest_path;
    const std::vector<field>* deepest_fields = nullptr;

    bool resolve(const type_desc& d, size_t i) {
        if (i == segs.size()) return d.kind() != desc_kind::slice;
        switch (d.kind()) {
            case desc_kind::leaf:
                return false;
            case desc_kind::ignored:
                path.insert(path.end(), segs.begin() + static_cast<std::ptrdiff_t>(i), segs.end());
                return true;
            case desc_kind::optional:
                return resolve(*d.element(), i);
            case desc_kind::slice: {
                const std::string& s = segs[i];
                if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
                    return false;
                path.push_back("[" + s + "]");
                if (resolve(*d.element(), i + 1)) return true;
                path.pop_back();
                return false;
            }
            case desc_kind::map: {
                std::string name;
                for (size_t k = i; k < segs.size(); ++k) {
                    if (k > i) name += '_';
                    name += segs[k];
                    // A value on a map element itself (`ENTRYPOINTS_SMTP=x`) means nothing: the name must be
                    // followed by a key, which keeps a misspelt key from being swallowed into the name.
                    if (k + 1 == segs.size()) break;
                    path.push_back(name);
                    if (resolve(*d.element(), k + 1)) return true;
                    path.pop_back();
                }
                return false;
            }
            case desc_kind::structure: {
                const auto& s = static_cast<const struct_desc&>(d);
                std::string joined;
                for (size_t k = i; k < segs.size(); ++k) {
                    joined += segs[k];
                    if (const field* f = s.find(joined)) {
                        path.push_back(f->name);
                        if (resolve(*f->type, k + 1)) return true;
                        path.pop_back();
                    }
                }
                if (i >= deepest) {
                    deepest = i;
                    deepest_path = path;
                    deepest_fields = s.fields();
                }
                return false;
            }
        }
        return false;
    }

    std::string suggestion(std::string_view prefix) const {
        if (!deepest_fields || deepest >= segs.size()) return {};
        std::vector<std::string> names;
        for (const auto& f : *deepest_fields) names.push_back(ascii_lower(f.name));
        std::string rest;
        for (size_t k = deepest; k < segs.size(); ++k) rest += segs[k];
        std::string best = closest_match(rest, names);
        if (best.empty()) best = closest_match(segs[deepest], names);
        if (best.empty()) return {};
        std::vector<std::string> p = deepest_path;
        p.push_back(best);
        return render_key(key_style::env, prefix, p);
    }
};

bool starts_with_root(std::string_view rest, const type_desc& schema) {
    const auto* fields = schema.fields();
    if (!fields) return false;
    for (const auto& f : *fields)
        if (rest.size() >= f.name.size() && iequals(rest.substr(0, f.name.size()), f.name)) return true;
    return false;
}

}  // namespace

env_tree read_env(const std::map<std::string, std::string>& env, std::span<const std::string_view> prefixes,
                  const type_desc& schema) {
    env_tree out;
    for (std::string_view prefix : prefixes) {
        for (const auto& [name, value] : env) {
            if (name.size() <= prefix.size() || std::string_view(name).substr(0, prefix.size()) != prefix) continue;
            std::string_view rest = std::string_view(name).substr(prefix.size());
            if (!starts_with_root(rest, schema)) continue;
            std::vector<std::string> segs;
            for (const auto& s : split_list(rest, '_')) segs.push_back(ascii_lower(s));
            resolver r{segs, {}, 0, {}, nullptr};
            if (std::any_of(segs.begin(), segs.end(), [](const std::string& s) { return s.empty(); }) ||
                !r.resolve(schema, 0)) {
                std::string hint = r.suggestion(prefix);
                out.errors.push_back({name, "unknown key" + (hint.empty() ? "" : "; did you mean " + hint + "?")});
                continue;
            }
            node& n = out.root.at(r.path);
            n.value = value;
            n.origin = name;
            ++out.used;
        }
    }
    return out;
}

}  // namespace sy::decoder
