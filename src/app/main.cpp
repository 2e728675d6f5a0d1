// Command dispatch: the only place start-up exceptions are caught.
#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "version") {
        std::puts("switchyard 0.1.0");
        return 0;
    }
    std::fputs("switchyard: not wired yet\n", stderr);
    return 1;
}
