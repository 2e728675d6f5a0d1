#pragma once
// A fresh directory under $TMPDIR for one test, removed afterwards.
#include <filesystem>
#include <fstream>
#include <string>

#include <stdlib.h>

namespace sy::test {

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "sy-file-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::filesystem::path write(const std::string& name, const std::string& text) const {
        auto p = path / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
        return p;
    }
    /// As editors and `kubectl` do: write a temporary file, then rename it over the target.
    void replace(const std::string& name, const std::string& text) const {
        auto tmp = write("." + name + ".swp", text);
        std::filesystem::rename(tmp, path / name);
    }
};

inline std::string router_yaml(const std::string& router, const std::string& address) {
    return "tcp:\n"
           "  routers:\n"
           "    " + router + ":\n"
           "      entryPoints: [smtp]\n"
           "      rule: HostSNI(`*`)\n"
           "      service: mail\n"
           "  services:\n"
           "    mail:\n"
           "      loadBalancer:\n"
           "        servers:\n"
           "          - address: \"" + address + "\"\n";
}

}  // namespace sy::test
