#pragma once
// Builds ClientHellos field by field (Envoy's generateClientHello idea), so each malformed case differs from a valid
// hello in exactly one place. Layout: src/wire/client_hello.cpp.
#include <string>
#include <vector>

#include "hex.hpp"

namespace sy::wire::test {

inline bytes u8(size_t v) { return {static_cast<std::byte>(v)}; }
inline bytes u16(size_t v) { return {static_cast<std::byte>(v >> 8), static_cast<std::byte>(v)}; }
inline bytes u24(size_t v) {
    return {static_cast<std::byte>(v >> 16), static_cast<std::byte>(v >> 8), static_cast<std::byte>(v)};
}
inline bytes u8_prefixed(const bytes& b) { return cat({u8(b.size()), b}); }
inline bytes u16_prefixed(const bytes& b) { return cat({u16(b.size()), b}); }

inline bytes extension(unsigned type, const bytes& data) { return cat({u16(type), u16_prefixed(data)}); }

/// server_name with one host_name per argument.
inline bytes sni_extension(std::initializer_list<std::string> names) {
    bytes list;
    for (const auto& n : names) list = cat({list, u8(0), u16_prefixed(text(n))});
    return extension(0, u16_prefixed(list));
}

inline bytes alpn_extension(std::initializer_list<std::string> protocols) {
    bytes list;
    for (const auto& p : protocols) list = cat({list, u8_prefixed(text(p))});
    return extension(16, u16_prefixed(list));
}

struct hello_fields {
    bytes session_id = bytes(32, std::byte{0x5a});
    bytes cipher_suites = hex("13 01  13 02  c0 2f");
    bytes compression = hex("00");
    bool has_extensions = true;
    bytes extensions;  // concatenated extension() blocks
};

/// The handshake message: msg_type 1, u24 length, body.
inline bytes client_hello_message(const hello_fields& f) {
    bytes body = cat({hex("03 03"), bytes(32, std::byte{0x42}), u8_prefixed(f.session_id),
                      u16_prefixed(f.cipher_suites), u8_prefixed(f.compression)});
    if (f.has_extensions) body = cat({body, u16_prefixed(f.extensions)});
    return cat({u8(1), u24(body.size()), body});
}

/// Frames a handshake stream into handshake records of at most `fragment` bytes each.
inline bytes records(const bytes& message, size_t fragment = 16384, unsigned version = 0x0301) {
    bytes out;
    for (size_t at = 0; at < message.size(); at += fragment) {
        const size_t n = std::min(fragment, message.size() - at);
        out = cat({out, u8(22), u16(version), u16(n), bytes(message.begin() + static_cast<long>(at),
                                                               message.begin() + static_cast<long>(at + n))});
    }
    return out;
}

/// The handshake stream carried by a sequence of complete records (to re-frame captured hellos).
inline bytes unframe(const bytes& recs) {
    bytes out;
    for (size_t at = 0; at + 5 <= recs.size();) {
        const size_t n = (static_cast<size_t>(recs[at + 3]) << 8) | static_cast<size_t>(recs[at + 4]);
        out.insert(out.end(), recs.begin() + static_cast<long>(at + 5), recs.begin() + static_cast<long>(at + 5 + n));
        at += 5 + n;
    }
    return out;
}

}  // namespace sy::wire::test
