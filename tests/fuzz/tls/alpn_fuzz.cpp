// Fuzz target: sy::tls::negotiate_alpn over a client's ALPN extension body as it arrives in a ClientHello (the
// length-prefixed protocol names OpenSSL hands the ALPN callback, untrusted), against a few server lists.
// Checks, beyond memory safety: a chosen protocol lies inside the client's bytes and is one the server offers.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "tls/alpn.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::vector<std::vector<std::string>> servers{
        {}, {"imap"}, {"h2", "http/1.1"}, {"smtp", "imap", "pop3"}, {"h2"}};
    const std::span<const unsigned char> wire(data, size);
    for (const auto& server : servers) {
        const auto choice = sy::tls::negotiate_alpn(server, wire);
        if (choice.result != sy::tls::alpn_choice::kind::chosen) continue;
        const auto* p = reinterpret_cast<const uint8_t*>(choice.protocol.data());
        if (p < data || p + choice.protocol.size() > data + size || choice.protocol.empty()) std::abort();
        bool offered = false;
        for (const auto& s : server) offered = offered || s == choice.protocol;
        if (!offered) std::abort();
    }
    return 0;
}
