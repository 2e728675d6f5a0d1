#include <cstdio>

#include "app/commands.hpp"

namespace sy::app {

int cmd_healthcheck(int, char**) {
    std::fputs("switchyard: healthcheck is not implemented yet\n", stderr);
    return 2;
}

}  // namespace sy::app
