/*
 * TLS ClientHello inspection: the first bytes a TLS client sends, read for SNI and ALPN before any routing decision.
 *
 * Record layer, TLSPlaintext (RFC 8446 §5.1, RFC 5246 §6.2.1), repeated until the handshake message is complete:
 *
 *     offset  field            size  here
 *     0       content_type     u8    22 = handshake. Any other first byte: not TLS (plain TCP); 0x80: SSLv2, below
 *     1       legacy_version   u16   any value below 0x1000, as Go's crypto/tls checks it on the first records
 *     3       length           u16   1 .. 2^14 + 2048 (Go's maxCiphertext); zero-length handshake records are refused
 *     5       fragment         length bytes of the handshake stream
 *
 *   One handshake message may be cut into several records (fragment boundaries anywhere, even inside the 4-byte
 *   handshake header), and every record may arrive over several TCP segments. Records of other types may not be
 *   interleaved with handshake fragments (RFC 8446 §5.1), so every record up to the hello's end must be type 22.
 *
 * Handshake message (RFC 8446 §4, §4.1.2; RFC 5246 §7.4.1.2):
 *
 *     0       msg_type         u8    1 = client_hello
 *     1       length           u24   body length
 *     4       body
 *               legacy_version               u16
 *               random                       32 bytes
 *               legacy_session_id            u8-prefixed, 0..32 bytes
 *               cipher_suites                u16-prefixed, 2..2^16-2 bytes, an even count
 *               legacy_compression_methods   u8-prefixed, 1..255 bytes
 *               extensions                   u16-prefixed, and nothing after it; absent altogether in an SSLv3-style
 *                                            hello (the body then ends after the compression methods)
 *                 each: extension_type u16, extension_data u16-prefixed; a type appears at most once
 *
 * server_name, extension 0 (RFC 6066 §3):
 *
 *     server_name_list   u16-prefixed, not empty
 *       each: name_type u8 (0 = host_name; other types are skipped), HostName u16-prefixed, not empty
 *     At most one host_name; it may not end with a dot.
 *
 * application_layer_protocol_negotiation, extension 16 (RFC 7301 §3.1):
 *
 *     protocol_name_list u16-prefixed, not empty
 *       each: ProtocolName u8-prefixed, not empty
 *
 * The checks are those of Go's crypto/tls (clientHelloMsg.unmarshal), which Traefik runs over the peeked bytes: a
 * hello Go refuses is `malformed` here, so the connection is closed as Traefik closes it. Extensions other than SNI
 * and ALPN are framed but not looked into (Go also parses key_share, supported_versions, ...): a hello broken only
 * there is routed here and refused by the backend's TLS stack instead.
 */
#include "wire/client_hello.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstring>

#include "wire/byte_reader.hpp"

namespace sy::wire {
namespace {

using status = client_hello_result::status;

constexpr uint8_t record_type_handshake = 22;
// SSLv2-compatible hellos start with a 2-byte length whose high bit is set; Traefik treats 0x80 as the marker.
constexpr uint8_t sslv2_marker = 0x80;
constexpr uint8_t handshake_type_client_hello = 1;
constexpr size_t record_header_size = 5;
constexpr size_t handshake_header_size = 4;
constexpr size_t max_record_payload = 16384 + 2048;  // Go's maxCiphertext: the largest record it will read
// The handshake message travels in at least one record, whose header also counts against the cap.
constexpr size_t max_message_size = max_client_hello_bytes - record_header_size;

constexpr uint16_t extension_server_name = 0;
constexpr uint16_t extension_alpn = 16;
constexpr uint8_t name_type_host_name = 0;

client_hello_result with_state(status s, const char* why = "") {
    client_hello_result r;
    r.state = s;
    r.why = why;
    return r;
}

client_hello_result malformed(const char* why) { return with_state(status::malformed, why); }

unsigned u16_at(std::span<const std::byte> b, size_t at) {
    return (static_cast<unsigned>(b[at]) << 8) | static_cast<unsigned>(b[at + 1]);
}

/// Traefik (types.CanonicalDomain) lower-cases the SNI and trims spaces before matching. Deliberate difference: only
/// ASCII letters and ASCII spaces; Go's strings.ToLower/TrimSpace also fold Unicode, which no valid host name (nor any
/// HostSNI rule, refused at build) contains.
std::string canonical_sni(std::span<const std::byte> name) {
    std::string_view s = as_chars(name);
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

const char* parse_server_name(std::span<const std::byte> data, client_hello_result& out) {
    byte_reader ext{data};
    std::span<const std::byte> list;
    if (!ext.read_u16_prefixed(list) || list.empty() || !ext.empty()) return "server_name: bad list length";
    byte_reader names{list};
    bool seen_host_name = false;
    while (!names.empty()) {
        uint8_t type = 0;
        std::span<const std::byte> name;
        if (!names.read_u8(type) || !names.read_u16_prefixed(name) || name.empty())
            return "server_name: bad name entry";
        if (type != name_type_host_name) continue;
        if (seen_host_name) return "server_name: more than one host_name";
        if (static_cast<char>(name.back()) == '.') return "server_name: trailing dot";
        seen_host_name = true;
        out.sni = canonical_sni(name);
    }
    return nullptr;
}

const char* parse_alpn(std::span<const std::byte> data, client_hello_result& out) {
    byte_reader ext{data};
    std::span<const std::byte> list;
    if (!ext.read_u16_prefixed(list) || list.empty() || !ext.empty()) return "ALPN: bad list length";
    byte_reader protocols{list};
    while (!protocols.empty()) {
        std::span<const std::byte> name;
        if (!protocols.read_u8_prefixed(name) || name.empty()) return "ALPN: bad protocol name";
        out.alpn.emplace_back(as_chars(name));
    }
    return nullptr;
}

/// The body of a complete ClientHello handshake message (after its 4-byte header).
client_hello_result parse_body(std::span<const std::byte> body) {
    client_hello_result out = with_state(status::done);
    byte_reader r{body};
    uint16_t legacy_version = 0;
    std::span<const std::byte> session_id, cipher_suites, compression, extensions;
    if (!r.read_u16(legacy_version) || !r.skip(32)) return malformed("ClientHello: truncated before session_id");
    if (!r.read_u8_prefixed(session_id) || session_id.size() > 32) return malformed("ClientHello: bad session_id");
    if (!r.read_u16_prefixed(cipher_suites) || cipher_suites.size() < 2 || cipher_suites.size() % 2 != 0)
        return malformed("ClientHello: bad cipher_suites");
    if (!r.read_u8_prefixed(compression) || compression.empty())
        return malformed("ClientHello: bad compression_methods");
    if (r.empty()) return out;  // no extensions at all: no SNI, no ALPN
    if (!r.read_u16_prefixed(extensions) || !r.empty()) return malformed("ClientHello: bad extensions length");

    std::bitset<65536> seen;  // Go refuses a hello that repeats any extension type
    byte_reader exts{extensions};
    while (!exts.empty()) {
        uint16_t type = 0;
        std::span<const std::byte> data;
        if (!exts.read_u16(type) || !exts.read_u16_prefixed(data)) return malformed("ClientHello: bad extension");
        if (seen.test(type)) return malformed("ClientHello: repeated extension");
        seen.set(type);
        const char* why = nullptr;
        if (type == extension_server_name) why = parse_server_name(data, out);
        if (type == extension_alpn) why = parse_alpn(data, out);
        if (why) return malformed(why);
    }
    return out;
}

/// Bytes end before the hello does: wait for more, unless the peek already holds as much as we ever accept.
client_hello_result incomplete(size_t have) {
    if (have >= max_client_hello_bytes) return malformed("ClientHello larger than the inspection limit");
    return with_state(status::need_more);
}

}  // namespace

client_hello_result parse_client_hello(std::span<const std::byte> bytes) noexcept {
    if (bytes.empty()) return with_state(status::need_more);
    const auto first = static_cast<uint8_t>(bytes[0]);
    if (first == sslv2_marker)
        // Deliberate difference: Traefik (router.go clientHelloInfo) routes an SSLv2-compatible hello as TLS without
        // SNI, so a HostSNI(`*`) passthrough router forwards it and the backend's TLS stack refuses it; Go's
        // crypto/tls refuses SSLv2 hellos too ("unsupported SSLv2 handshake received"). The client sees the same
        // failure when we close at once, and the backend is not bothered.
        return malformed("SSLv2-compatible ClientHello");
    if (first != record_type_handshake) return with_state(status::not_tls);

    // Reassemble the handshake message from its records. A message inside the first record (nearly always the case)
    // is parsed in place; a fragmented one is copied into `joined`, uninitialised until written.
    std::array<std::byte, max_message_size> joined;
    size_t joined_size = 0;
    size_t message_size = 0;  // header + body, known once the 4-byte handshake header has arrived
    size_t pos = 0;
    for (unsigned record = 0;; ++record) {
        if (bytes.size() - pos < record_header_size) return incomplete(bytes.size());
        const auto type = static_cast<uint8_t>(bytes[pos]);
        const unsigned version = u16_at(bytes, pos + 1);
        const size_t length = u16_at(bytes, pos + 3);
        if (type != record_type_handshake) return malformed("non-handshake record inside the ClientHello");
        if (version >= 0x1000) return malformed("record version is not TLS");
        if (length == 0) return malformed("empty handshake record");  // RFC 8446 §5.1; Go skips a few of them
        if (length > max_record_payload) return malformed("record longer than TLS allows");
        pos += record_header_size;
        const size_t available = std::min(length, bytes.size() - pos);
        const auto fragment = bytes.subspan(pos, available);

        if (record == 0 && available >= handshake_header_size) {
            byte_reader h{fragment};
            uint8_t msg_type = 0;
            uint32_t body_size = 0;
            h.read_u8(msg_type);
            h.read_u24(body_size);
            if (msg_type != handshake_type_client_hello)
                return malformed("first handshake message is not a ClientHello");
            if (body_size + handshake_header_size > max_message_size)
                return malformed("ClientHello larger than the inspection limit");
            message_size = body_size + handshake_header_size;
            if (available >= message_size) return parse_body(fragment.subspan(handshake_header_size, body_size));
        }

        const size_t joined_before = joined_size;
        const size_t take = std::min(available, max_message_size - joined_size);
        std::memcpy(joined.data() + joined_size, fragment.data(), take);
        joined_size += take;
        if (message_size == 0 && joined_size >= 1 && static_cast<uint8_t>(joined[0]) != handshake_type_client_hello)
            return malformed("first handshake message is not a ClientHello");
        if (message_size == 0 && joined_size >= handshake_header_size) {
            byte_reader h{std::span<const std::byte>(joined).subspan(1)};
            uint32_t body_size = 0;
            h.read_u24(body_size);
            if (body_size + handshake_header_size > max_message_size)
                return malformed("ClientHello larger than the inspection limit");
            message_size = body_size + handshake_header_size;
        }
        if (message_size != 0 && joined_size >= message_size) {
            // The verdict may depend only on the first max_client_hello_bytes bytes, whatever else has arrived: a
            // hello that ends beyond them is refused even when it is complete (the forwarder never peeks further).
            if (pos + (message_size - joined_before) > max_client_hello_bytes)
                return malformed("ClientHello larger than the inspection limit");
            return parse_body(std::span<const std::byte>(joined).subspan(handshake_header_size,
                                                                        message_size - handshake_header_size));
        }
        if (available < length) return incomplete(bytes.size());
        pos += length;
    }
}

}  // namespace sy::wire
