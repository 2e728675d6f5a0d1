#include <cstdio>

#include "app/commands.hpp"

namespace sy::app {

int cmd_version(int, char**) {
    std::fputs("switchyard: version is not implemented yet\n", stderr);
    return 2;
}

}  // namespace sy::app
