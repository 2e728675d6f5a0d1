// yaml-cpp stays in this file.
#include <yaml-cpp/yaml.h>

#include "decoder/readers.hpp"

namespace sy::decoder {

namespace {

void convert(const YAML::Node& y, node& n, const std::string& file, const std::string& parent_origin) {
    const auto mark = y.Mark();
    n.origin = mark.line >= 0 ? file + ":" + std::to_string(mark.line + 1) : parent_origin;
    switch (y.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            n.value = "";  // `ping:` with nothing after it: the section, with its defaults
            break;
        case YAML::NodeType::Scalar:
            n.value = y.Scalar();
            break;
        case YAML::NodeType::Sequence: {
            bool scalars = true;
            for (const auto& e : y) scalars = scalars && (e.IsScalar() || e.IsNull());
            if (scalars) {
                std::vector<std::string> list;
                for (const auto& e : y) list.push_back(e.IsScalar() ? e.Scalar() : std::string());
                n.list = std::move(list);
                break;
            }
            size_t i = 0;
            for (const auto& e : y) convert(e, n.child("[" + std::to_string(i++) + "]"), file, n.origin);
            break;
        }
        case YAML::NodeType::Map:
            for (const auto& kv : y) {
                std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
                convert(kv.second, n.child(key), file, n.origin);
            }
            break;
    }
}

}  // namespace

result<node> read_yaml(std::string_view text, std::string_view file_name) {
    const std::string file(file_name);
    try {
        YAML::Node doc = YAML::Load(std::string(text));
        node root;
        if (doc.IsNull() || !doc.IsDefined()) return root;  // an empty file is an empty configuration
        if (!doc.IsMap())
            return diagnostic{file + ":" + std::to_string(doc.Mark().line + 1),
                              "expected a mapping of keys at the top level"};
        convert(doc, root, file, file);
        root.value.reset();
        return root;
    } catch (const YAML::Exception& e) {
        return diagnostic{file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                          "YAML: " + e.msg};
    }
}

}  // namespace sy::decoder
