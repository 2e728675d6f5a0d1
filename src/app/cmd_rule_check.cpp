#include <cstdio>

#include "app/commands.hpp"

namespace sy::app {

int cmd_rule_check(int, char**) {
    std::fputs("switchyard: rule_check is not implemented yet\n", stderr);
    return 2;
}

}  // namespace sy::app
