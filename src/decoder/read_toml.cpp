// toml++ stays in this file.
#include <sstream>
#include <toml++/toml.h>

#include "base/concat.hpp"
#include "decoder/readers.hpp"

namespace sy::decoder {

namespace {

std::string origin_of(const toml::node& t, const std::string& file, const std::string& parent) {
    const auto& src = t.source();
    return src.begin.line > 0 ? file + ":" + std::to_string(src.begin.line) : parent;
}

std::string scalar_text(const toml::node& t) {
    if (auto s = t.as_string()) return s->get();
    if (auto b = t.as_boolean()) return b->get() ? "true" : "false";
    if (auto i = t.as_integer()) return std::to_string(i->get());
    std::ostringstream os;
    if (auto f = t.as_floating_point()) os << f->get();
    else if (auto d = t.as_date()) os << d->get();
    else if (auto tm = t.as_time()) os << tm->get();
    else if (auto dt = t.as_date_time()) os << dt->get();
    return os.str();
}

void convert(const toml::node& t, node& n, const std::string& file, const std::string& parent) {
    n.origin = origin_of(t, file, parent);
    if (auto tbl = t.as_table()) {
        for (auto&& [k, v] : *tbl) convert(v, n.child(std::string(k.str())), file, n.origin);
        return;
    }
    if (auto arr = t.as_array()) {
        bool scalars = true;
        for (const auto& e : *arr) scalars = scalars && !e.is_table() && !e.is_array();
        if (scalars) {
            std::vector<std::string> list;
            for (const auto& e : *arr) list.push_back(scalar_text(e));
            n.list = std::move(list);
            return;
        }
        size_t i = 0;
        for (const auto& e : *arr) convert(e, n.child(concat("[", std::to_string(i++), "]")), file, n.origin);
        return;
    }
    n.value = scalar_text(t);
}

}  // namespace

result<node> read_toml(std::string_view text, std::string_view file_name) {
    const std::string file(file_name);
    try {
        toml::table tbl = toml::parse(text, file_name);
        node root;
        convert(tbl, root, file, file);
        return root;
    } catch (const toml::parse_error& e) {
        return diagnostic{file + ":" + std::to_string(e.source().begin.line) + ":" +
                              std::to_string(e.source().begin.column),
                          "TOML: " + std::string(e.description())};
    }
}

}  // namespace sy::decoder
