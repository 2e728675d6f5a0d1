// Fuzz target: sy::config::decode_labels over arbitrary label sets (input: lines `key=value`; the first '=' splits).
// Checks, beyond memory safety: decoding never throws, is deterministic, and every finding about a router, service
// or middleware names an element that the labels declare (case-insensitively, as names merge).
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "base/concat.hpp"
#include "base/text.hpp"
#include "config/labels.hpp"

namespace {

std::map<std::string, std::string> parse_lines(std::string_view in) {
    std::map<std::string, std::string> labels;
    while (!in.empty()) {
        size_t nl = in.find('\n');
        std::string_view line = in.substr(0, nl);
        in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) labels[std::string(line)] = "";
        else labels[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    }
    return labels;
}

bool declared(const std::map<std::string, std::string>& labels, const std::string& name) {
    for (const auto& [k, v] : labels)
        if (sy::ascii_lower(k).find(sy::concat(".", sy::ascii_lower(name))) != std::string::npos) return true;
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto labels = parse_lines(std::string_view(reinterpret_cast<const char*>(data), size));
    const auto a = sy::config::decode_labels(labels);
    const auto b = sy::config::decode_labels(labels);
    if (!(a.config == b.config) || !(a.findings == b.findings) || a.has_tcp != b.has_tcp) std::abort();
    for (const auto& f : a.findings) {
        if (f.message.empty()) std::abort();
        if (f.element != sy::config::element_finding::kind::other && !declared(labels, f.name)) std::abort();
    }
    if (a.has_tcp && a.config.routers.empty() && a.config.services.empty()) std::abort();
    return 0;
}
