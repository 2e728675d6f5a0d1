#include <cstdio>

#include "app/commands.hpp"

namespace sy::app {

int cmd_run(int, char**) {
    std::fputs("switchyard: run is not implemented yet\n", stderr);
    return 2;
}

}  // namespace sy::app
