#include "tls/alpn.hpp"

namespace sy::tls {

namespace {

std::vector<std::string_view> split_wire(std::span<const unsigned char> wire) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < wire.size();) {
        const size_t n = wire[i];
        if (n == 0 || i + 1 + n > wire.size()) break;  // malformed: what came before stands
        out.emplace_back(reinterpret_cast<const char*>(wire.data() + i + 1), n);
        i += 1 + n;
    }
    return out;
}

}  // namespace

alpn_choice negotiate_alpn(std::span<const std::string> server, std::span<const unsigned char> client_wire) {
    const auto client = split_wire(client_wire);
    if (server.empty() || client.empty()) return {};
    bool http11_fallback = false;
    for (const auto& s : server) {
        for (auto c : client) {
            if (s == c) return {alpn_choice::kind::chosen, c};
            if (s == "h2" && c == "http/1.1") http11_fallback = true;
        }
    }
    if (http11_fallback) return {};
    return {alpn_choice::kind::refuse, {}};
}

std::span<const std::string> default_alpn() {
    static const std::vector<std::string> d{"h2", "http/1.1"};
    return d;
}

}  // namespace sy::tls
