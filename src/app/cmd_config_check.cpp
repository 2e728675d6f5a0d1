// `switchyard config check`: the static configuration (from the same one source `switchyard` would use) and the
// dynamic files of the file provider, or the one named by --dynamic, decoded and built exactly as the router would
// build them, without binding a port or reaching Docker. Every problem is printed at once, one per line.
// Exit codes: 0 valid (warnings allowed), 1 errors found, 2 a bad command line.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "aggregator/aggregator.hpp"
#include "app/commands.hpp"
#include "app/element_status.hpp"
#include "app/environment.hpp"
#include "config/load_static.hpp"
#include "providers/file/file_provider.hpp"
#include "runtime/build.hpp"

namespace sy::app {
namespace {

constexpr const char* usage =
    "usage: switchyard config check [--dynamic=FILE|DIR] [--configFile=PATH | --key=value ...]\n"
    "\n"
    "Checks the static configuration (as `switchyard` would load it: --configFile, else the other flags, else\n"
    "TRAEFIK_*/SWITCHYARD_* variables) and the dynamic configuration of its file provider, or FILE/DIR instead,\n"
    "against those entrypoints. Nothing is started. Docker labels are not checked (they need the daemon: the API\n"
    "shows them). Exit 0 when valid, 1 when an error was found.\n";

struct tally {
    int errors = 0;
    int warnings = 0;
    void error(const std::string& line) {
        std::printf("error: %s\n", line.c_str());
        ++errors;
    }
    void warning(const std::string& line) {
        std::printf("warning: %s\n", line.c_str());
        ++warnings;
    }
};

std::string plural(int n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

}  // namespace

int cmd_config_check(int argc, char** argv) {
    std::vector<std::string> args;
    std::string dynamic;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (a == "--dynamic") {
            if (i + 1 >= argc) {
                std::fputs(usage, stderr);
                return 2;
            }
            dynamic = argv[++i];
        } else if (a.starts_with("--dynamic=")) {
            dynamic = std::string(a.substr(10));
        } else {
            args.emplace_back(a);
        }
    }

    tally t;
    auto loaded = config::load_static(args, process_environment());
    if (!loaded) {
        // One diagnostic carries every bad key and value, one per line.
        std::string text = loaded.error().to_string();
        for (size_t start = 0; start <= text.size();) {
            size_t nl = text.find('\n', start);
            t.error("static configuration: " + text.substr(start, nl == std::string::npos ? nl : nl - start));
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
        std::printf("%s, %s\n", plural(t.errors, "error").c_str(), plural(t.warnings, "warning").c_str());
        return 1;
    }
    const config::static_config& statics = *loaded;
    for (const auto& w : statics.warnings) t.warning("static configuration: " + w);
    for (const auto& key : statics.ignored_keys) t.warning(key + ": ignored (HTTP-only or not supported)");
    std::printf("static configuration from %s: %zu entrypoint(s)\n", statics.loaded_from.c_str(),
                statics.entry_points.size());

    config::file_provider files = statics.file;
    if (!dynamic.empty()) {
        std::error_code ec;
        const bool dir = std::filesystem::is_directory(dynamic, ec);
        files = config::file_provider{};
        files.enabled = true;
        (dir ? files.directory : files.filename) = dynamic;
    }
    if (!files.enabled) {
        std::printf("no dynamic configuration to check (no providers.file, no --dynamic)\n");
    } else {
        const std::string where = files.filename.empty() ? files.directory : files.filename;
        auto msg = providers::file::load(files);
        if (!msg) {
            t.error(msg.error().to_string());
        } else {
            auto merged = aggregator::merge({{"file", *msg}});
            telemetry::registry counters;
            auto snap = runtime::build(statics, merged, counters, 1);
            for (const auto& c : merged.conflicts) t.error(c);
            for (const auto& f : merged.findings)
                if (f.element == config::element_finding::kind::other)
                    f.is_error ? t.error(f.message) : t.warning(f.message);
            for (const auto& e : not_enabled(*snap)) {
                const std::string line = std::string(e.kind) + " \"" + e.name + "\": " + joined(e.errors);
                if (e.state == runtime::status::disabled)
                    t.error(line);
                else
                    t.warning(line);
            }
            std::printf("dynamic configuration from %s: %zu router(s), %zu service(s), %zu middleware(s)\n",
                        where.c_str(), snap->routers.size(), snap->services.size(), snap->middlewares.size());
        }
    }
    std::printf("%s, %s\n", plural(t.errors, "error").c_str(), plural(t.warnings, "warning").c_str());
    return t.errors > 0 ? 1 : 0;
}

}  // namespace sy::app
