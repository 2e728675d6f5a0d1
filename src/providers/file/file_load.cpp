// Reading the file provider's files. Traefik's pkg/provider/file/file.go: a directory is walked recursively and
// every .toml/.yml/.yaml file is merged; an element defined twice keeps its first definition with a warning.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/dynamic_file.hpp"
#include "providers/file/file_provider.hpp"

namespace sy::providers::file {

namespace fs = std::filesystem;

namespace {

bool is_config_file(const fs::path& p) {
    auto ext = p.extension().string();
    return ext == ".yml" || ext == ".yaml" || ext == ".toml";
}

result<std::string> read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return diagnostic{p.string(), "cannot open: " + std::string(std::strerror(errno))};
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return diagnostic{p.string(), "cannot read"};
    return text.str();
}

/// Every configuration file under `dir`, sorted. Deliberate difference from Traefik: entries whose name starts
/// with '.' are skipped, so a Kubernetes ConfigMap volume (`..data/`, `..2024_01_01.../` next to the symlinks) is
/// read once rather than three times.
result<std::vector<fs::path>> list_directory(const fs::path& dir) {
    std::error_code ec;
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
    if (ec) return diagnostic{dir.string(), "cannot read directory: " + ec.message()};
    for (; it != end; it.increment(ec)) {
        if (ec) return diagnostic{dir.string(), "cannot read directory: " + ec.message()};
        const auto name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec) && is_config_file(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

template <class Map>
void merge_map(Map& into, const Map& from, config::element_finding::kind kind, const char* what,
               const std::string& file, std::vector<config::element_finding>& findings) {
    for (const auto& [name, value] : from) {
        if (into.emplace(name, value).second) continue;
        findings.push_back({kind, name, false,
                            std::string(what) + " \"" + name + "\" is defined again in " + file + ": ignored there"});
    }
}

void merge_file(config::provider_message& into, config::dynamic_config&& from, const std::string& file) {
    using kind = config::element_finding::kind;
    merge_map(into.config.routers, from.routers, kind::router, "router", file, into.findings);
    merge_map(into.config.services, from.services, kind::service, "service", file, into.findings);
    merge_map(into.config.middlewares, from.middlewares, kind::middleware, "middleware", file, into.findings);
    merge_map(into.config.servers_transports, from.servers_transports, kind::other, "serversTransport", file,
              into.findings);
    merge_map(into.config.tls.options, from.tls.options, kind::other, "TLS options", file, into.findings);
    into.config.tls.certificates.insert(into.config.tls.certificates.end(), from.tls.certificates.begin(),
                                        from.tls.certificates.end());
    for (const auto& [name, st] : from.tls.stores) into.config.tls.stores.emplace(name, st);
}

result<void> load_one(const fs::path& p, config::provider_message& into) {
    auto text = read_text(p);
    if (!text) return text.error();
    auto decoded = config::decode_dynamic_file(*text, p.string());
    if (!decoded) return decoded.error();
    for (auto& f : decoded->findings) into.findings.push_back(std::move(f));
    merge_file(into, std::move(decoded->config), p.string());
    return {};
}

}  // namespace

result<config::provider_message> load(const config::file_provider& cfg) {
    config::provider_message msg;
    msg.provider = "file";
    if (!cfg.filename.empty()) {
        if (auto r = load_one(cfg.filename, msg); !r) return r.error();
        return msg;
    }
    if (cfg.directory.empty())
        return diagnostic{"providers.file", "neither filename nor directory is set"};
    auto files = list_directory(cfg.directory);
    if (!files) return files.error();
    for (const auto& p : *files)
        if (auto r = load_one(p, msg); !r) return r.error();
    return msg;
}

}  // namespace sy::providers::file
