// Command dispatch: the only place start-up exceptions are caught.
#include <cstdio>
#include <exception>
#include <string_view>

#include "app/commands.hpp"

int main(int argc, char** argv) {
    try {
        std::string_view first = argc > 1 ? argv[1] : "";
        if (first == "version" || first == "--version") return sy::app::cmd_version(argc - 1, argv + 1);
        if (first == "healthcheck") return sy::app::cmd_healthcheck(argc - 1, argv + 1);
        if (first == "rule") {
            if (argc > 2 && std::string_view(argv[2]) == "check") return sy::app::cmd_rule_check(argc - 2, argv + 2);
            std::fputs("usage: switchyard rule check [--syntax v2|v3] [--sni NAME] [--client-ip IP] [--alpn PROTO]... "
                       "[--explain] [--] RULE\n", stderr);
            return 2;
        }
        return sy::app::cmd_run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "switchyard: %s\n", e.what());
        return 1;
    }
}
