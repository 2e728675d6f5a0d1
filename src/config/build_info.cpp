#include "config/build_info.hpp"

#include <boost/version.hpp>
#include <spdlog/version.h>

namespace sy::config {

namespace {
std::string known(const char* v) {
    std::string s(v);
    // An empty string or 0.0.0 means meson could not tell (RE2's is worked out in the top meson.build instead).
    return s.empty() || s == "0.0.0" || s == "unknown" ? "unknown" : s;
}
}  // namespace

std::string switchyard_version() { return SY_VERSION; }

std::vector<std::pair<std::string, std::string>> dependency_versions() {
    return {
        {"Boost", std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                      std::to_string(BOOST_VERSION % 100)},
        {"OpenSSL", known(SY_OPENSSL_VERSION)},
        {"spdlog", std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) + "." +
                       std::to_string(SPDLOG_VER_PATCH)},
        {"yaml-cpp", known(SY_YAMLCPP_VERSION)},
        {"toml++", known(SY_TOMLPP_VERSION)},
        {"RE2", known(SY_RE2_VERSION)},
        {"nlohmann-json", known(SY_JSON_VERSION)},
    };
}

}  // namespace sy::config
