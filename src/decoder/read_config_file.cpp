#include "base/text.hpp"
#include "decoder/readers.hpp"

namespace sy::decoder {

result<node> read_config_file(std::string_view text, std::string_view file_name) {
    const std::string lower = ascii_lower(file_name);
    auto ends_with = [&](std::string_view suffix) {
        return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".yml") || ends_with(".yaml")) return read_yaml(text, file_name);
    if (ends_with(".toml")) return read_toml(text, file_name);
    return diagnostic{std::string(file_name), "unsupported file extension: use .yml, .yaml or .toml"};
}

}  // namespace sy::decoder
