#include "wire/proxy_protocol.hpp"

#include <array>

#include "hex.hpp"
#include "sy_catch.hpp"

using namespace sy::wire;
using namespace sy::wire::test;
using status = proxy_header_result::status;

namespace {

proxy_header_result parse(const bytes& b) { return parse_proxy_header(b); }

endpoint ep(const char* ip, uint16_t port) { return endpoint{boost::asio::ip::make_address(ip), port}; }

std::string str(const std::optional<endpoint>& e) {
    if (!e) return "(none)";
    return e->address.to_string() + " " + std::to_string(e->port);
}

const bytes v2_sig = hex("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a");

void require_need_more_for_every_prefix(const bytes& header) {
    for (size_t n = 0; n < header.size(); ++n) {
        auto r = parse_proxy_header(prefix(header, n));
        CAPTURE(n, r.why);
        REQUIRE(r.state == status::need_more);
    }
}

}  // namespace

TEST_CASE("PROXY v1 headers that are valid") {
    struct row {
        std::string line;
        std::string source, destination;  // "(none)" for UNKNOWN
    };
    const std::vector<row> rows = {
        {"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "192.168.0.1 56324", "192.168.0.11 443"},
        {"PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", "255.255.255.255 65535",
         "255.255.255.255 65535"},
        {"PROXY TCP4 0.0.0.0 10.0.0.1 0 25\r\n", "0.0.0.0 0", "10.0.0.1 25"},
        {"PROXY TCP6 2001:db8::1 ::1 51000 993\r\n", "2001:db8::1 51000", "::1 993"},
        {"PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535"},
        {"PROXY TCP6 2001:DB8::A ::1 1 2\r\n", "2001:db8::a 1", "::1 2"},
        // A v4-mapped client is returned as the IPv4 address rules and allow lists compare.
        {"PROXY TCP6 ::ffff:203.0.113.7 ::ffff:10.0.0.1 40000 25\r\n", "203.0.113.7 40000", "10.0.0.1 25"},
        {"PROXY UNKNOWN\r\n", "(none)", "(none)"},
        {"PROXY UNKNOWN " + std::string(91, 'x') + "\r\n", "(none)", "(none)"},  // 107 bytes: the longest allowed
        // UNKNOWN: the receiver ignores the rest of the line, whatever it holds.
        {"PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n", "(none)", "(none)"},
    };
    for (const auto& [line, source, destination] : rows) {
        CAPTURE(line);
        const bytes input = cat({text(line), text("EHLO client\r\n")});  // the client's own bytes follow
        auto r = parse(input);
        CAPTURE(r.why);
        REQUIRE(r.state == status::done);
        CHECK(r.version == 1);
        CHECK(r.consumed == line.size());
        CHECK(str(r.source) == source);
        CHECK(str(r.destination) == destination);
        require_need_more_for_every_prefix(text(line));
    }
}

TEST_CASE("PROXY v1 headers that are broken are malformed, as HAProxy refuses them") {
    const std::vector<std::string> rows = {
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",            // LF without CR
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX",           // CR without LF
        "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n",         // two spaces
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n",         // trailing space
        "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",            // missing port
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",        // extra field
        "PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n",         // leading zero in an address
        "PROXY TCP4 1.2.3.4 5.6.7.8 080 25\r\n",       // leading zero in a port
        "PROXY TCP4 1.2.3.4 5.6.7.8 65536 25\r\n",     // port out of range
        "PROXY TCP4 1.2.3.4 5.6.7.8 -1 25\r\n",        // negative port
        "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n",            // three octets
        "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n",        // octet out of range
        "PROXY TCP4 ::1 ::1 1 2\r\n",                  // IPv6 under TCP4
        "PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n",          // IPv4 under TCP6
        "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n",         // scope id
        "PROXY TCP6 1::2::3 ::1 1 2\r\n",              // two "::"
        "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n",          // unknown family
        "PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n",          // lower-case family
        "PROXY UNKNOWNX\r\n",                          // not the word UNKNOWN
        "PROXY \r\n",                                  // nothing
        "PROXY UNKNOWN " + std::string(100, 'x'),      // no CRLF within 107 bytes
        "PROXY UNKNOWN " + std::string(92, 'x') + "\r\n",  // 108 bytes: CRLF ends one byte too late
        "PROXY UNKNOWN " + std::string(92, 'x') + "\r",     // ... already known at the CR
        "PROXY PROXY TCP4 1.168.0.1  119\r",              // cannot become a header, even with a CR last (fuzz)
        "PROXY TCP4 hello",                            // cannot become a header: refused before CRLF
        "PROXY GET / HTTP/1.1",                        // idem
    };
    for (const auto& line : rows) {
        CAPTURE(line);
        auto r = parse(text(line));
        CAPTURE(r.why);
        CHECK(r.state == status::malformed);
        CHECK(!r.why.empty());
    }
}

TEST_CASE("PROXY v1: prefixes wait, other protocols are not PROXY") {
    for (const char* s :
         {"", "P", "PROXY", "PROXY ", "PROXY TCP4 1.2.3.4", "PROXY UNKNOWN", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r"}) {
        CAPTURE(s);
        CHECK(parse(text(s)).state == status::need_more);
    }
    for (const char* s : {"EHLO x\r\n", "proxy TCP4", "PROXX", "PROXY\r\n", "\x16\x03\x01"}) {
        CAPTURE(s);
        CHECK(parse(text(s)).state == status::not_proxy);
    }
}

TEST_CASE("PROXY v2 headers that are valid") {
    struct row {
        const char* what;
        bytes header;
        std::string source, destination;
    };
    const std::vector<row> rows = {
        {"TCP over IPv4", cat({v2_sig, hex(R"(
            21                # version 2, PROXY
            11                # AF_INET, STREAM
            00 0c             # 12 address bytes
            c0 a8 00 01       # source 192.168.0.1
            c0 a8 00 0b       # destination 192.168.0.11
            dc 04  01 bb      # ports 56324, 443
         )")}), "192.168.0.1 56324", "192.168.0.11 443"},
        {"TCP over IPv6", cat({v2_sig, hex(R"(
            21  21  00 24                                   # v2 PROXY, AF_INET6 STREAM, 36 bytes
            20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 # source 2001:db8::1
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 # destination ::1
            c7 38  03 e1                                    # ports 51000, 993
         )")}), "2001:db8::1 51000", "::1 993"},
        {"v4-mapped IPv6 is unmapped", cat({v2_sig, hex(R"(
            21  21  00 24
            00 00 00 00 00 00 00 00 00 00 ff ff cb 00 71 07 # ::ffff:203.0.113.7
            00 00 00 00 00 00 00 00 00 00 ff ff 0a 00 00 01 # ::ffff:10.0.0.1
            9c 40  00 19                                    # 40000, 25
         )")}), "203.0.113.7 40000", "10.0.0.1 25"},
        {"TLVs after the addresses are skipped", cat({v2_sig, hex(R"(
            21  11  00 1a                 # 12 address bytes + 14 TLV bytes
            7f 00 00 01  7f 00 00 02  30 39  00 19
            01  00 02  68 32              # PP2_TYPE_ALPN "h2"
            04  00 00                     # PP2_TYPE_NOOP, empty
            02  00 03  61 2e 62           # PP2_TYPE_AUTHORITY "a.b"
         )")}), "127.0.0.1 12345", "127.0.0.2 25"},
        {"a correct CRC32c TLV", cat({v2_sig, hex(R"(
            21  11  00 13
            7f 00 00 01  7f 00 00 02  30 39  00 19
            03  00 04  94 d4 bb 30        # PP2_TYPE_CRC32C (computed over the header with this value zeroed)
         )")}), "127.0.0.1 12345", "127.0.0.2 25"},
        {"LOCAL: real addresses stand", cat({v2_sig, hex("20 00 00 00")}), "(none)", "(none)"},
        {"LOCAL with an address block", cat({v2_sig, hex("20 11 00 0c  7f 00 00 01  7f 00 00 02  30 39  00 19")}),
         "(none)", "(none)"},
        {"LOCAL ignores whatever follows", cat({v2_sig, hex("20 00 00 03  ff ff ff")}), "(none)", "(none)"},
        {"PROXY over AF_UNSPEC", cat({v2_sig, hex("21 00 00 00")}), "(none)", "(none)"},
        {"PROXY over UDP (HAProxy keeps the real addresses)",
         cat({v2_sig, hex("21 12 00 0c  7f 00 00 01  7f 00 00 02  30 39  00 35")}), "(none)", "(none)"},
        {"PROXY over AF_UNIX", cat({v2_sig, hex("21 31 00 d8"), bytes(216, std::byte{0x61})}), "(none)", "(none)"},
    };
    for (const auto& [what, header, source, destination] : rows) {
        CAPTURE(what);
        auto r = parse(cat({header, text("\x16\x03\x01")}));  // a ClientHello follows
        CAPTURE(r.why);
        REQUIRE(r.state == status::done);
        CHECK(r.version == 2);
        CHECK(r.consumed == header.size());
        CHECK(str(r.source) == source);
        CHECK(str(r.destination) == destination);
        require_need_more_for_every_prefix(header);
    }
}

TEST_CASE("PROXY v2 headers that are broken are malformed") {
    struct row {
        const char* what;
        bytes header;
    };
    const std::vector<row> rows = {
        {"version 1 in the binary format", cat({v2_sig, hex("11 11 00 0c")})},
        {"version 3", cat({v2_sig, hex("31 11")})},
        {"command 2", cat({v2_sig, hex("22 11 00 0c")})},
        {"command 15", cat({v2_sig, hex("2f")})},
        {"address family 4", cat({v2_sig, hex("21 41 00 00")})},
        {"transport protocol 3", cat({v2_sig, hex("21 13 00 0c")})},
        {"length shorter than the IPv4 block", cat({v2_sig, hex("21 11 00 08  7f 00 00 01  7f 00 00 02")})},
        {"length shorter than the IPv6 block", cat({v2_sig, hex("21 21 00 0c"), bytes(12, std::byte{0})})},
        {"length shorter than the UNIX block", cat({v2_sig, hex("21 31 00 0c"), bytes(12, std::byte{0})})},
        {"TLV overruns the header",
         cat({v2_sig, hex("21 11 00 10  7f 00 00 01  7f 00 00 02  30 39 00 19  01 00 05 68")})},
        {"TLV header cut short", cat({v2_sig, hex("21 11 00 0e  7f 00 00 01  7f 00 00 02  30 39 00 19  01 00")})},
        {"wrong CRC32c",
         cat({v2_sig, hex("21 11 00 13  7f 00 00 01  7f 00 00 02  30 39 00 19  03 00 04 94 d4 bb 31")})},
        {"CRC32c TLV of 3 bytes",
         cat({v2_sig, hex("21 11 00 12  7f 00 00 01  7f 00 00 02  30 39 00 19  03 00 03 00 00 00")})},
    };
    for (const auto& [what, header] : rows) {
        CAPTURE(what);
        auto r = parse(header);
        CAPTURE(r.why);
        CHECK(r.state == status::malformed);
        CHECK(r.version == 2);
        CHECK(!r.why.empty());
    }
}

TEST_CASE("PROXY v2: a prefix of the signature waits, a different one is not PROXY") {
    CHECK(parse(hex("0d")).state == status::need_more);
    CHECK(parse(hex("0d 0a 0d 0a 00")).state == status::need_more);
    CHECK(parse(v2_sig).state == status::need_more);
    CHECK(parse(hex("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0b 21 11")).state == status::not_proxy);
    CHECK(parse(text("\r\nhello")).state == status::not_proxy);
    // The whole declared length must arrive: 16 + 65535 bytes at most.
    bytes big = cat({v2_sig, hex("21 00 ff ff"), bytes(65535, std::byte{0})});
    CHECK(parse_proxy_header(prefix(big, big.size() - 1)).state == status::need_more);
    big[16] = std::byte{0x04};  // NOOP TLV: 3-byte header + 65532 bytes
    big[17] = std::byte{0xff};
    big[18] = std::byte{0xfc};
    auto r = parse(big);
    CHECK(r.state == status::done);
    CHECK(r.consumed == max_proxy_v2_bytes);
}

TEST_CASE("PROXY headers written for backends") {
    std::array<std::byte, max_proxy_header_write> buf{};
    auto written = [&](size_t n) { return bytes(buf.begin(), buf.begin() + static_cast<long>(n)); };

    SECTION("v1 TCP4") {
        const size_t n = write_proxy_header(1, ep("192.168.0.1", 56324), ep("192.168.0.11", 443), buf);
        CHECK(written(n) == text("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));
    }
    SECTION("v1 TCP6") {
        const size_t n = write_proxy_header(1, ep("2001:db8::1", 51000), ep("::1", 993), buf);
        CHECK(written(n) == text("PROXY TCP6 2001:db8::1 ::1 51000 993\r\n"));
    }
    SECTION("v1: a v4-mapped client on a dual-stack listener is written as TCP4") {
        const size_t n = write_proxy_header(1, ep("::ffff:203.0.113.7", 40000), ep("::ffff:10.0.0.1", 25), buf);
        CHECK(written(n) == text("PROXY TCP4 203.0.113.7 10.0.0.1 40000 25\r\n"));
    }
    SECTION("v1: mixed families are written as TCP6") {
        const size_t n = write_proxy_header(1, ep("203.0.113.7", 40000), ep("2001:db8::25", 25), buf);
        CHECK(written(n) == text("PROXY TCP6 ::ffff:203.0.113.7 2001:db8::25 40000 25\r\n"));
    }
    SECTION("v1 longest line") {
        const char* all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        const size_t n = write_proxy_header(1, ep(all, 65535), ep(all, 65535), buf);
        CHECK(n == 104);
    }
    SECTION("v2 TCP4") {
        const size_t n = write_proxy_header(2, ep("192.168.0.1", 56324), ep("192.168.0.11", 443), buf);
        CHECK(written(n) == cat({v2_sig, hex("21 11 00 0c  c0 a8 00 01  c0 a8 00 0b  dc 04 01 bb")}));
    }
    SECTION("v2 TCP6") {
        const size_t n = write_proxy_header(2, ep("2001:db8::1", 51000), ep("::1", 993), buf);
        CHECK(written(n) == cat({v2_sig, hex(R"(
            21 21 00 24
            20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
            c7 38 03 e1)")}));
    }
    SECTION("v2: v4-mapped written as IPv4, mixed as IPv6") {
        size_t n = write_proxy_header(2, ep("::ffff:127.0.0.1", 1), ep("127.0.0.2", 2), buf);
        CHECK(written(n) == cat({v2_sig, hex("21 11 00 0c  7f 00 00 01  7f 00 00 02  00 01 00 02")}));
        n = write_proxy_header(2, ep("127.0.0.1", 1), ep("::1", 2), buf);
        CHECK(written(n) == cat({v2_sig, hex(R"(
            21 21 00 24
            00 00 00 00 00 00 00 00 00 00 ff ff 7f 00 00 01
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
            00 01 00 02)")}));
    }
    SECTION("v2 with terminated TLS: AUTHORITY (the SNI) and SSL TLVs, as HAProxy writes them for Dovecot") {
        const proxy_tls_info tls{"TLSv1.3", "AES", "mx", true, true};
        const size_t n = write_proxy_header(2, ep("127.0.0.1", 1), ep("127.0.0.2", 2), buf, &tls);
        CHECK(written(n) == cat({v2_sig, hex(R"(
            21 11 00 29  7f 00 00 01  7f 00 00 02  00 01 00 02
            02 00 02 6d 78
            20 00 15  03  00 00 00 00
               21 00 07 54 4c 53 76 31 2e 33
               23 00 03 41 45 53)")}));
        auto r = parse_proxy_header(std::span<const std::byte>(buf).first(n));
        CHECK(r.state == proxy_header_result::status::done);
        CHECK(r.consumed == n);
        const proxy_tls_info unverified{"TLSv1.2", "X", "", true, false};
        const size_t m = write_proxy_header(1, ep("127.0.0.1", 1), ep("127.0.0.2", 2), buf, &unverified);
        CHECK(written(m) == text("PROXY TCP4 127.0.0.1 127.0.0.2 1 2\r\n"));  // v1 has no TLVs
        const size_t k = write_proxy_header(2, ep("127.0.0.1", 1), ep("127.0.0.2", 2), buf, &unverified);
        CHECK(written(k) == cat({v2_sig, hex(R"(
            21 11 00 22  7f 00 00 01  7f 00 00 02  00 01 00 02
            20 00 13  03  00 00 00 01  21 00 07 54 4c 53 76 31 2e 32  23 00 01 58)")}));
    }
    SECTION("an unknown version or a buffer too small writes nothing") {
        CHECK(write_proxy_header(3, ep("1.2.3.4", 1), ep("5.6.7.8", 2), buf) == 0);
        CHECK(write_proxy_header(0, ep("1.2.3.4", 1), ep("5.6.7.8", 2), buf) == 0);
        CHECK(write_proxy_header(1, ep("1.2.3.4", 1), ep("5.6.7.8", 2), std::span(buf).first(20)) == 0);
        CHECK(write_proxy_header(2, ep("1.2.3.4", 1), ep("5.6.7.8", 2), std::span(buf).first(27)) == 0);
        CHECK(write_proxy_header(2, ep("1.2.3.4", 1), ep("5.6.7.8", 2), std::span(buf).first(28)) == 28);
    }
}

TEST_CASE("written PROXY headers parse back to the same endpoints") {
    const std::vector<std::pair<endpoint, endpoint>> pairs = {
        {ep("127.0.0.1", 50000), ep("127.0.0.2", 25)},   {ep("10.1.2.3", 0), ep("10.1.2.4", 65535)},
        {ep("::1", 40000), ep("::1", 993)},              {ep("2001:db8::1", 1), ep("fe80::1", 2)},
        {ep("::ffff:192.0.2.1", 3), ep("192.0.2.2", 4)}, {ep("192.0.2.1", 5), ep("2001:db8::2", 6)},
    };
    for (int version : {1, 2}) {
        for (const auto& [src, dst] : pairs) {
            CAPTURE(version, str(src), str(dst));
            std::array<std::byte, max_proxy_header_write> buf{};
            const size_t n = write_proxy_header(version, src, dst, buf);
            REQUIRE(n > 0);
            auto r = parse_proxy_header(std::span<const std::byte>(buf).first(n));
            CAPTURE(r.why);
            REQUIRE(r.state == status::done);
            CHECK(r.version == version);
            CHECK(r.consumed == n);
            // Mixed families travel as IPv6; the parser unmaps, so each side comes back in its own family.
            CHECK(r.source->address == sy::unmap(src.address));
            CHECK(r.destination->address == sy::unmap(dst.address));
            CHECK(r.source->port == src.port);
            CHECK(r.destination->port == dst.port);
        }
    }
}

TEST_CASE("PROXY headers without a client, for health checks: v2 LOCAL and v1 UNKNOWN") {
    std::array<std::byte, max_proxy_header_write> buf{};
    const size_t n2 = write_proxy_local_header(2, buf);
    REQUIRE(n2 == 16);
    CHECK(bytes(buf.begin(), buf.begin() + n2) == hex("0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a 20 00 00 00"));
    auto r2 = parse(bytes(buf.begin(), buf.begin() + n2));
    CHECK(r2.state == status::done);
    CHECK(r2.consumed == 16);
    CHECK_FALSE(r2.source);  // LOCAL: the receiver keeps the connection's own addresses

    const size_t n1 = write_proxy_local_header(1, buf);
    CHECK(std::string(reinterpret_cast<const char*>(buf.data()), n1) == "PROXY UNKNOWN\r\n");
    auto r1 = parse(bytes(buf.begin(), buf.begin() + n1));
    CHECK(r1.state == status::done);
    CHECK_FALSE(r1.source);

    CHECK(write_proxy_local_header(3, buf) == 0);
    std::array<std::byte, 4> small{};
    CHECK(write_proxy_local_header(2, small) == 0);
}
