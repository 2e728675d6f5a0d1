// A main for fuzz targets built without libFuzzer (g++): feeds every file of the directories (or files) given on the
// command line to LLVMFuzzerTestOneInput once, so each corpus runs as an ordinary unit test and a crash regression
// stays fixed. An empty or missing corpus fails: a replay that ran nothing would pass without testing anything.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

bool replay(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return false;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A copy of exactly `size` bytes, so ASan catches a read one past the end as libFuzzer would.
    std::vector<uint8_t> input(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::directory_iterator(arg, ec))
                if (entry.is_regular_file()) files.push_back(entry.path());
            std::sort(files.begin(), files.end());  // a stable order makes a failing input easy to name
            for (const auto& f : files) {
                std::fprintf(stderr, "replay: %s\n", f.c_str());
                if (!replay(f)) return 1;
                ++count;
            }
        } else if (std::filesystem::is_regular_file(arg, ec)) {
            if (!replay(arg)) return 1;
            ++count;
        } else {
            std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            return 1;
        }
    }
    if (count == 0) {
        std::fprintf(stderr, "replay: no input replayed (usage: %s <corpus dir or file>...)\n", argv[0]);
        return 1;
    }
    std::printf("replay: %zu inputs, no crash\n", count);
    return 0;
}
