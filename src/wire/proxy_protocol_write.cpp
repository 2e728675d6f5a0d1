/*
 * PROXY protocol, write side: the header sent to a backend right after connecting, before any client byte
 * (HAProxy's doc/proxy-protocol.txt; the read side, proxy_protocol_parse.cpp, documents both formats in full).
 *
 *     v1  "PROXY TCP4 <src> <dst> <sport> <dport>\r\n"     both addresses IPv4
 *         "PROXY TCP6 <src> <dst> <sport> <dport>\r\n"     otherwise (at most 104 bytes)
 *     v2  0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A   signature
 *         21                                   version 2, command PROXY
 *         11 | 21                              TCP over IPv4 | TCP over IPv6
 *         00 0C | 00 24                        12 | 36 address bytes follow, no TLVs
 *         src addr, dst addr, src port, dst port (network byte order)
 *         TLVs (terminated TLS only): 02 len SNI (PP2_TYPE_AUTHORITY), then 20 len (PP2_TYPE_SSL): client flags
 *         (01 PP2_CLIENT_SSL | 02 PP2_CLIENT_CERT_CONN), verify (u32, 0 = verified), sub-TLVs 21 version and
 *         23 cipher (PP2_SUBTYPE_SSL_VERSION, PP2_SUBTYPE_SSL_CIPHER), as HAProxy sends them
 *
 * Addresses are unmapped first, so a client that reached a dual-stack listener as ::ffff:1.2.3.4 is sent as TCP4
 * 1.2.3.4 (what Postfix and Dovecot log). Deliberate difference: when the two addresses still differ in family
 * (IPv4 client, IPv6 listener), both are written as IPv6 (the IPv4 one as ::ffff:a.b.c.d), a valid header. Traefik's
 * go-proxyproto picks the family from the source alone and then writes an IPv6 destination into a TCP4 line (v1) or
 * a zero address (v2).
 */
#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string_view>

#include "wire/proxy_protocol.hpp"

namespace sy::wire {
namespace {

constexpr unsigned char v2_header[14] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
                                         0x21 /* v2, PROXY */, 0x00 /* family, set below */};

/// Appends to a caller's buffer; `ok` turns false (and stays false) once something does not fit.
struct writer {
    std::span<std::byte> out;
    size_t used = 0;
    bool ok = true;

    void bytes(const void* p, size_t n) {
        if (!ok || out.size() - used < n) {
            ok = false;
            return;
        }
        std::memcpy(out.data() + used, p, n);
        used += n;
    }
    void text(std::string_view s) { bytes(s.data(), s.size()); }
    void u8(unsigned v) {
        const auto b = static_cast<unsigned char>(v);
        bytes(&b, 1);
    }
    void u16(unsigned v) {
        u8(v >> 8);
        u8(v & 0xFF);
    }
    void decimal(unsigned v) {
        char buf[8];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        bytes(buf, static_cast<size_t>(end - buf));
    }
    void address_text(const ip_address& a) {
        char buf[INET6_ADDRSTRLEN];
        const char* s = nullptr;
        if (a.is_v4()) {
            const auto b = a.to_v4().to_bytes();
            s = inet_ntop(AF_INET, b.data(), buf, sizeof buf);
        } else {
            const auto b = a.to_v6().to_bytes();
            s = inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
        }
        if (!s) ok = false;
        else text(s);
    }
    void address_bytes(const ip_address& a) {
        if (a.is_v4()) {
            const auto b = a.to_v4().to_bytes();
            bytes(b.data(), b.size());
        } else {
            const auto b = a.to_v6().to_bytes();
            bytes(b.data(), b.size());
        }
    }
};

ip_address as_v6(const ip_address& a) {
    if (a.is_v6()) return a;
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4());
}

}  // namespace

size_t write_proxy_header(int version, const endpoint& source, const endpoint& destination, std::span<std::byte> out,
                          const proxy_tls_info* tls) noexcept {
    ip_address src = unmap(source.address), dst = unmap(destination.address);
    const bool v4 = src.is_v4() && dst.is_v4();
    if (!v4) {
        src = as_v6(src);
        dst = as_v6(dst);
    }
    writer w{out};
    if (version == 1) {
        w.text(v4 ? "PROXY TCP4 " : "PROXY TCP6 ");
        w.address_text(src);
        w.text(" ");
        w.address_text(dst);
        w.text(" ");
        w.decimal(source.port);
        w.text(" ");
        w.decimal(destination.port);
        w.text("\r\n");
    } else if (version == 2) {
        w.bytes(v2_header, sizeof v2_header - 1);
        w.u8(v4 ? 0x11 : 0x21);  // TCP over IPv4 | IPv6
        auto cut = [](std::string_view s) { return s.substr(0, 255); };
        size_t tlvs = 0;
        if (tls) {
            if (!tls->sni.empty()) tlvs += 3 + cut(tls->sni).size();
            tlvs += 3 + 5 + 3 + cut(tls->version).size() + 3 + cut(tls->cipher).size();
        }
        w.u16((v4 ? 12 : 36) + tlvs);
        w.address_bytes(src);
        w.address_bytes(dst);
        w.u16(source.port);
        w.u16(destination.port);
        if (tls) {
            auto tlv = [&](unsigned type, std::string_view value) {
                w.u8(type);
                w.u16(value.size());
                w.text(value);
            };
            if (!tls->sni.empty()) tlv(0x02, cut(tls->sni));
            const auto version_text = cut(tls->version), cipher_text = cut(tls->cipher);
            w.u8(0x20);
            w.u16(5 + 3 + version_text.size() + 3 + cipher_text.size());
            w.u8(0x01 | (tls->client_cert ? 0x02 : 0x00));
            const unsigned verify = tls->verified ? 0 : 1;
            w.u16(verify >> 16);
            w.u16(verify & 0xFFFF);
            tlv(0x21, version_text);
            tlv(0x23, cipher_text);
        }
    } else {
        return 0;
    }
    return w.ok ? w.used : 0;
}

size_t write_proxy_local_header(int version, std::span<std::byte> out) noexcept {
    writer w{out};
    if (version == 1) {
        w.text("PROXY UNKNOWN\r\n");
    } else if (version == 2) {
        w.bytes(v2_header, sizeof v2_header - 2);
        w.u8(0x20);  // version 2, command LOCAL
        w.u8(0x00);  // AF_UNSPEC, UNSPEC
        w.u16(0);    // no address bytes
    } else {
        return 0;
    }
    return w.ok ? w.used : 0;
}

}  // namespace sy::wire
