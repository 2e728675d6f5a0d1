// Command dispatch: the only place start-up exceptions are caught.
#include <csignal>
#include <cstdio>
#include <exception>
#include <string_view>

#include "app/commands.hpp"

int main(int argc, char** argv) {
    // A log or access log on a pipe whose reader went away (docker logs, a closed terminal) must cost lines, not the
    // process: writes then fail with EPIPE instead of killing us. Sockets never raise it (MSG_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    try {
        std::string_view first = argc > 1 ? argv[1] : "";
        if (first == "version" || first == "--version") return sy::app::cmd_version(argc - 1, argv + 1);
        if (first == "healthcheck") return sy::app::cmd_healthcheck(argc - 1, argv + 1);
        if (first == "config") {
            if (argc > 2 && std::string_view(argv[2]) == "check") return sy::app::cmd_config_check(argc - 2, argv + 2);
            std::fputs("usage: switchyard config check [--dynamic=FILE|DIR] [--configFile=PATH | --key=value ...]\n",
                       stderr);
            return 2;
        }
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
