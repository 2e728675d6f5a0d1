#pragma once
// A bounds-checked cursor over untrusted bytes. Every read says whether the bytes were there, so a parser never reads
// past its input and a short read is an ordinary `false`, not a crash (the shape of Go's cryptobyte.String, which
// crypto/tls parses ClientHellos with). Internal to sy::wire: the forwarder calls the parsers, not this.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sy::wire {

struct byte_reader {
    std::span<const std::byte> rest;

    bool empty() const noexcept { return rest.empty(); }
    size_t size() const noexcept { return rest.size(); }

    bool skip(size_t n) noexcept {
        if (rest.size() < n) return false;
        rest = rest.subspan(n);
        return true;
    }
    bool read_bytes(size_t n, std::span<const std::byte>& out) noexcept {
        if (rest.size() < n) return false;
        out = rest.first(n);
        rest = rest.subspan(n);
        return true;
    }
    bool read_u8(uint8_t& v) noexcept {
        if (rest.empty()) return false;
        v = static_cast<uint8_t>(rest[0]);
        rest = rest.subspan(1);
        return true;
    }
    /// Big-endian, as every integer on the wire in TLS and PROXY v2.
    bool read_u16(uint16_t& v) noexcept {
        if (rest.size() < 2) return false;
        v = static_cast<uint16_t>((static_cast<unsigned>(rest[0]) << 8) | static_cast<unsigned>(rest[1]));
        rest = rest.subspan(2);
        return true;
    }
    bool read_u24(uint32_t& v) noexcept {
        if (rest.size() < 3) return false;
        v = (static_cast<uint32_t>(rest[0]) << 16) | (static_cast<uint32_t>(rest[1]) << 8) |
            static_cast<uint32_t>(rest[2]);
        rest = rest.subspan(3);
        return true;
    }
    /// TLS vectors: a length of 1 or 2 bytes, then that many bytes.
    bool read_u8_prefixed(std::span<const std::byte>& out) noexcept {
        uint8_t n = 0;
        auto saved = rest;
        if (read_u8(n) && read_bytes(n, out)) return true;
        rest = saved;
        return false;
    }
    bool read_u16_prefixed(std::span<const std::byte>& out) noexcept {
        uint16_t n = 0;
        auto saved = rest;
        if (read_u16(n) && read_bytes(n, out)) return true;
        rest = saved;
        return false;
    }
};

/// The bytes as characters, for text formats (PROXY v1) and for copying names out.
inline std::string_view as_chars(std::span<const std::byte> bytes) noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace sy::wire
