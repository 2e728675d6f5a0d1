/*
 * PROXY protocol, read side (HAProxy's doc/proxy-protocol.txt, versions 1 and 2).
 *
 * Version 1, one text line of at most 107 bytes including CRLF:
 *
 *     "PROXY" SP "TCP4" SP src-ipv4 SP dst-ipv4 SP src-port SP dst-port CRLF
 *     "PROXY" SP "TCP6" SP src-ipv6 SP dst-ipv6 SP src-port SP dst-port CRLF
 *     "PROXY" SP "UNKNOWN" [ SP anything ] CRLF          the receiver ignores the rest and keeps the real addresses
 *
 *   Exactly one space between fields. IPv4 as four decimal numbers 0..255 with no leading zeros; IPv6 in its usual
 *   text form (hex groups, one "::"); ports decimal 0..65535 with no leading zeros. The family word decides which
 *   address kind is allowed. A line without CRLF within 107 bytes is invalid; so is a lone CR or LF.
 *   Longest lines: "PROXY TCP6 ffff:...:ffff ffff:...:ffff 65535 65535\r\n" = 104 bytes; UNKNOWN may fill 107.
 *
 * Version 2, binary, 16 bytes then `len` more:
 *
 *     0    signature   12 bytes  0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A  ("\r\n\r\n\0\r\nQUIT\n")
 *     12   ver_cmd     u8        high nibble version = 2; low nibble 0 = LOCAL, 1 = PROXY (others: drop)
 *     13   fam         u8        high nibble 0 AF_UNSPEC, 1 AF_INET, 2 AF_INET6, 3 AF_UNIX (others: drop);
 *                                low nibble 0 UNSPEC, 1 STREAM, 2 DGRAM (others: drop)
 *     14   len         u16       bytes after these 16: the address block, then TLVs
 *     16   addresses   AF_INET  12 bytes: src addr 4, dst addr 4, src port 2, dst port 2
 *                      AF_INET6 36 bytes: src addr 16, dst addr 16, src port 2, dst port 2
 *                      AF_UNIX 216 bytes: src path 108, dst path 108
 *                      AF_UNSPEC 0 bytes
 *     ..   TLVs        each: type u8, length u16, value; they must tile the rest of the header exactly
 *                      type 0x03 PP2_TYPE_CRC32C: 4 bytes, CRC32c of the whole header with this value zeroed
 *
 *   All integers big-endian. LOCAL (health checks from the proxy itself): keep the real addresses, skip everything.
 *   PROXY with TCP over IPv4 (0x11) or IPv6 (0x21): the addresses are the client's. PROXY with any other valid
 *   family/protocol (UNSPEC, UNIX, UDP): accepted, real addresses kept, as HAProxy does.
 *
 * Detection: the first byte decides ('P' → v1, 0x0D → v2, else not a PROXY header); a prefix of either signature
 * waits for more bytes; after the signature every defect is `malformed`. Addresses are returned unmapped
 * (::ffff:1.2.3.4 → 1.2.3.4), as Go's net.IP compares them, so rules and allow lists see one form.
 */
#include <boost/asio/ip/address.hpp>
#include <cstring>
#include <string_view>

#include "wire/byte_reader.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::wire {
namespace {

using status = proxy_header_result::status;

constexpr std::string_view v1_signature = "PROXY ";
constexpr std::byte v2_signature[12] = {std::byte{0x0D}, std::byte{0x0A}, std::byte{0x0D}, std::byte{0x0A},
                                        std::byte{0x00}, std::byte{0x0D}, std::byte{0x0A}, std::byte{0x51},
                                        std::byte{0x55}, std::byte{0x49}, std::byte{0x54}, std::byte{0x0A}};
constexpr size_t v2_fixed_size = 16;

constexpr uint8_t v2_cmd_local = 0x0;
constexpr uint8_t v2_cmd_proxy = 0x1;
constexpr uint8_t v2_af_unspec = 0x0, v2_af_inet = 0x1, v2_af_inet6 = 0x2, v2_af_unix = 0x3;
constexpr uint8_t v2_proto_stream = 0x1, v2_proto_max = 0x2;
constexpr uint8_t v2_tlv_crc32c = 0x03;

proxy_header_result with_state(status s, int version, const char* why = "") {
    proxy_header_result r;
    r.state = s;
    r.version = version;
    r.why = why;
    return r;
}

proxy_header_result malformed(int version, const char* why) { return with_state(status::malformed, version, why); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// Decimal 0..65535 with no leading zero (the spec forbids them, to avoid any octal reading).
bool parse_port(std::string_view s, uint16_t& port) {
    if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return false;
    unsigned v = 0;
    for (char c : s) {
        if (!is_digit(c)) return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 65535) return false;
    port = static_cast<uint16_t>(v);
    return true;
}

/// A v1 address of the family the line announced. The character check comes first so that inet_pton (under Asio)
/// sees only address characters: no "%scope", no embedded NUL. glibc's inet_pton refuses IPv4 leading zeros.
bool parse_address(std::string_view s, bool v6, ip_address& out) {
    if (s.empty() || s.size() > 45) return false;
    for (char c : s)
        if (!(v6 ? (is_hex(c) || c == ':' || c == '.') : (is_digit(c) || c == '.'))) return false;
    char text[46];
    std::memcpy(text, s.data(), s.size());
    text[s.size()] = '\0';
    boost::system::error_code ec;
    if (v6) {
        auto a = boost::asio::ip::make_address_v6(text, ec);
        if (ec) return false;
        out = unmap(ip_address(a));
    } else {
        auto a = boost::asio::ip::make_address_v4(text, ec);
        if (ec) return false;
        out = a;
    }
    return true;
}

/// Splits off the text up to the next single space (or the end of `line`).
std::string_view next_field(std::string_view& line) {
    const size_t sp = line.find(' ');
    std::string_view field = line.substr(0, sp);
    line = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
    return field;
}

/// Could this incomplete v1 line (after "PROXY ") still become a valid header? Used to refuse garbage early rather
/// than wait for 107 bytes or the peek timeout.
bool v1_prefix_plausible(std::string_view rest) {
    for (std::string_view word : {"TCP4 ", "TCP6 ", "UNKNOWN"}) {
        const size_t n = std::min(rest.size(), word.size());
        if (rest.substr(0, n) != word.substr(0, n)) continue;
        if (rest.size() <= word.size()) return true;
        if (word == "UNKNOWN") return rest[word.size()] == ' ';
        for (char c : rest.substr(word.size()))
            if (!(is_hex(c) || c == '.' || c == ':' || c == ' ')) return false;
        return true;
    }
    return false;
}

proxy_header_result parse_v1_line(std::string_view line, size_t consumed) {
    proxy_header_result r = with_state(status::done, 1);
    r.consumed = consumed;
    if (line.substr(0, 7) == "UNKNOWN" && (line.size() == 7 || line[7] == ' ')) return r;
    const std::string_view family = next_field(line);
    if (family != "TCP4" && family != "TCP6") return malformed(1, "PROXY v1: unknown protocol family");
    const bool v6 = family == "TCP6";
    const std::string_view src = next_field(line), dst = next_field(line);
    const std::string_view src_port = next_field(line), dst_port = line;
    endpoint s, d;
    if (!parse_address(src, v6, s.address)) return malformed(1, "PROXY v1: bad source address");
    if (!parse_address(dst, v6, d.address)) return malformed(1, "PROXY v1: bad destination address");
    if (!parse_port(src_port, s.port)) return malformed(1, "PROXY v1: bad source port");
    if (!parse_port(dst_port, d.port)) return malformed(1, "PROXY v1: bad destination port");
    r.source = s;
    r.destination = d;
    return r;
}

proxy_header_result parse_v1(std::span<const std::byte> bytes) {
    const std::string_view text = as_chars(bytes);
    const size_t n = std::min(text.size(), v1_signature.size());
    if (text.substr(0, n) != v1_signature.substr(0, n)) return with_state(status::not_proxy, 0);
    if (text.size() < v1_signature.size()) return with_state(status::need_more, 1);

    // The CR may be at most the 106th byte, so that CRLF ends within 107.
    const std::string_view window = text.substr(0, std::min(text.size(), max_proxy_v1_bytes - 1));
    size_t end = v1_signature.size();  // the line so far, without a CR that may be the last byte received
    for (; end < window.size(); ++end) {
        if (window[end] == '\n') return malformed(1, "PROXY v1: LF without CR");
        if (window[end] != '\r') continue;
        if (end + 1 == text.size()) break;  // the LF may be on its way
        if (text[end + 1] != '\n') return malformed(1, "PROXY v1: CR without LF");
        const std::string_view line = window.substr(v1_signature.size(), end - v1_signature.size());
        return parse_v1_line(line, end + 2);
    }
    if (end >= max_proxy_v1_bytes - 1) return malformed(1, "PROXY v1: no CRLF within 107 bytes");
    // The same verdict whatever the segment boundaries: a line that cannot become a header is refused now.
    if (!v1_prefix_plausible(window.substr(v1_signature.size(), end - v1_signature.size())))
        return malformed(1, "PROXY v1: not a valid header");
    return with_state(status::need_more, 1);
}

/// CRC32c (Castagnoli, reflected polynomial 0x82F63B78) of the header with the 4 checksum bytes read as zero.
uint32_t crc32c_with_hole(std::span<const std::byte> header, size_t hole) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < header.size(); ++i) {
        const auto b = (i >= hole && i < hole + 4) ? 0u : static_cast<uint32_t>(header[i]);
        crc ^= b;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/// The TLVs after the address block: framing checked, CRC32c verified when present, contents otherwise skipped.
const char* check_tlvs(std::span<const std::byte> header, size_t offset) {
    byte_reader r{header.subspan(offset)};
    while (!r.empty()) {
        const size_t at = header.size() - r.size();
        uint8_t type = 0;
        std::span<const std::byte> value;
        if (!r.read_u8(type) || !r.read_u16_prefixed(value)) return "PROXY v2: TLV overruns the header";
        if (type != v2_tlv_crc32c) continue;
        if (value.size() != 4) return "PROXY v2: CRC32c TLV is not 4 bytes";
        byte_reader v{value};
        uint16_t hi = 0, lo = 0;
        v.read_u16(hi);
        v.read_u16(lo);
        const uint32_t expected = (static_cast<uint32_t>(hi) << 16) | lo;
        if (crc32c_with_hole(header, at + 3) != expected) return "PROXY v2: CRC32c mismatch";
    }
    return nullptr;
}

size_t address_block_size(uint8_t af) {
    switch (af) {
    case v2_af_inet: return 12;
    case v2_af_inet6: return 36;
    case v2_af_unix: return 216;
    case v2_af_unspec: return 0;
    default: return 0;  // refused before: the family nibble is checked with the first bytes
    }
}

proxy_header_result parse_v2(std::span<const std::byte> bytes) {
    const size_t n = std::min(bytes.size(), sizeof v2_signature);
    if (std::memcmp(bytes.data(), v2_signature, n) != 0) return with_state(status::not_proxy, 0);
    // Refuse a bad version, command or family as soon as its byte arrives.
    if (bytes.size() > 12) {
        const auto ver_cmd = static_cast<uint8_t>(bytes[12]);
        if ((ver_cmd >> 4) != 2) return malformed(2, "PROXY v2: unsupported version");
        if ((ver_cmd & 0x0F) > v2_cmd_proxy) return malformed(2, "PROXY v2: unknown command");
    }
    if (bytes.size() > 13) {
        const auto fam = static_cast<uint8_t>(bytes[13]);
        if ((fam >> 4) > v2_af_unix || (fam & 0x0F) > v2_proto_max)
            return malformed(2, "PROXY v2: unknown address family or protocol");
    }
    if (bytes.size() < v2_fixed_size) return with_state(status::need_more, 2);

    byte_reader r{bytes.subspan(12)};
    uint8_t ver_cmd = 0, fam = 0;
    uint16_t len = 0;
    r.read_u8(ver_cmd);
    r.read_u8(fam);
    r.read_u16(len);
    const size_t total = v2_fixed_size + len;
    if (bytes.size() < total) return with_state(status::need_more, 2);

    proxy_header_result out = with_state(status::done, 2);
    out.consumed = total;
    if ((ver_cmd & 0x0F) == v2_cmd_local) return out;

    const uint8_t af = fam >> 4, proto = fam & 0x0F;
    const size_t block = address_block_size(af);
    if (len < block) return malformed(2, "PROXY v2: header shorter than its address block");
    const auto header = bytes.first(total);
    if (const char* why = check_tlvs(header, v2_fixed_size + block)) return malformed(2, why);
    if (proto != v2_proto_stream || (af != v2_af_inet && af != v2_af_inet6)) return out;  // keep real addresses

    byte_reader a{header.subspan(v2_fixed_size, block)};
    endpoint s, d;
    if (af == v2_af_inet) {
        boost::asio::ip::address_v4::bytes_type sb{}, db{};
        std::span<const std::byte> raw;
        a.read_bytes(4, raw);
        std::memcpy(sb.data(), raw.data(), 4);
        a.read_bytes(4, raw);
        std::memcpy(db.data(), raw.data(), 4);
        s.address = boost::asio::ip::address_v4(sb);
        d.address = boost::asio::ip::address_v4(db);
    } else {
        boost::asio::ip::address_v6::bytes_type sb{}, db{};
        std::span<const std::byte> raw;
        a.read_bytes(16, raw);
        std::memcpy(sb.data(), raw.data(), 16);
        a.read_bytes(16, raw);
        std::memcpy(db.data(), raw.data(), 16);
        s.address = unmap(ip_address(boost::asio::ip::address_v6(sb)));
        d.address = unmap(ip_address(boost::asio::ip::address_v6(db)));
    }
    a.read_u16(s.port);
    a.read_u16(d.port);
    out.source = s;
    out.destination = d;
    return out;
}

}  // namespace

proxy_header_result parse_proxy_header(std::span<const std::byte> bytes) noexcept {
    if (bytes.empty()) return with_state(status::need_more, 0);
    if (static_cast<char>(bytes[0]) == 'P') return parse_v1(bytes);
    if (bytes[0] == v2_signature[0]) return parse_v2(bytes);
    return with_state(status::not_proxy, 0);
}

}  // namespace sy::wire
