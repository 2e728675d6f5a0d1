#include "decoder/readers.hpp"

namespace sy::decoder {

result<node> read_flags(std::span<const std::string> args) {
    node root;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg.size() < 2 || arg[0] != '-' || arg == "--") {
            std::string hint = (i > 0 && args[i - 1].find('=') == std::string::npos)
                                   ? " (write " + args[i - 1] + "=" + std::string(arg) + ": flags take their value after '=')"
                                   : " (flags are written --key=value)";
            return diagnostic{"argument " + std::to_string(i + 1), "unexpected \"" + std::string(arg) + "\"" + hint};
        }
        arg.remove_prefix(arg[1] == '-' ? 2 : 1);
        size_t eq = arg.find('=');
        std::string_view key = arg.substr(0, eq);
        auto segments = split_key(key);
        if (!segments) return diagnostic{"--" + std::string(key), "invalid key: empty segment"};
        node& n = root.at(*segments);
        // A bare flag is true (Traefik's boolean flags and allowEmpty sections: `--providers.docker`, `--api`).
        n.value = eq == std::string_view::npos ? std::string("true") : std::string(arg.substr(eq + 1));
        n.origin = "--" + std::string(key);
    }
    return root;
}

}  // namespace sy::decoder
