#include "wire/client_hello.hpp"

#include "client_hello_samples.hpp"
#include "hex.hpp"
#include "sy_catch.hpp"
#include "tls_builder.hpp"

using namespace sy::wire;
using namespace sy::wire::test;
using status = client_hello_result::status;

namespace {

client_hello_result parse(const bytes& b) { return parse_client_hello(b); }

struct expected_hello {
    std::string sni;
    std::vector<std::string> alpn;
};

/// Every strict prefix of a hello must ask for more bytes: this is the hello arriving one byte per TCP segment, and
/// cut at every possible segment boundary.
void require_need_more_for_every_prefix(const bytes& hello) {
    for (size_t n = 0; n < hello.size(); ++n) {
        auto r = parse_client_hello(prefix(hello, n));
        CAPTURE(n, r.why);
        REQUIRE(r.state == status::need_more);
    }
}

void require_hello(const bytes& b, const expected_hello& want) {
    auto r = parse(b);
    CAPTURE(r.why);
    REQUIRE(r.state == status::done);
    CHECK(r.sni == want.sni);
    CHECK(r.alpn == want.alpn);
}

std::vector<std::string> two_records_alpn() {
    std::vector<std::string> v{"h2", "imap", "pop3", "smtp", "managesieve"};
    for (int i = 0; i < 20; ++i) {
        std::string s = "proto00-padding-padding-padding";
        s[5] = static_cast<char>('0' + i / 10);
        s[6] = static_cast<char>('0' + i % 10);
        v.push_back(s);
    }
    return v;
}

}  // namespace

TEST_CASE("ClientHellos captured from OpenSSL give SNI (lower-cased) and ALPN in the client's order") {
    require_hello(hex(samples::tls13_sni_alpn), {"mail.example.com", {"h2", "imap"}});
    require_hello(hex(samples::tls12_nosni), {"", {}});
    require_hello(hex(samples::two_records), {"frag.example.org", two_records_alpn()});
}

TEST_CASE("a captured ClientHello cut at every byte boundary asks for more until its last byte") {
    for (auto sample : {samples::tls13_sni_alpn, samples::tls12_nosni, samples::two_records}) {
        CAPTURE(sample.substr(0, 40));
        require_need_more_for_every_prefix(hex(sample));
    }
}

TEST_CASE("the captured two-record hello really spans two records") {
    const bytes b = hex(samples::two_records);
    REQUIRE(b.size() == 1003);
    CHECK(b[3] == std::byte{0x02});  // first record: 0x0200 = 512 bytes
    CHECK(b[4] == std::byte{0x00});
    CHECK(b[5 + 512] == std::byte{22});  // second record header right after
}

TEST_CASE("a captured ClientHello re-framed into records of any size gives the same answer") {
    const auto fragment = GENERATE(as<size_t>{}, 1, 2, 3, 4, 5, 7, 64, 200, 511);
    for (auto sample : {samples::tls13_sni_alpn, samples::two_records}) {
        const bytes message = unframe(hex(sample));
        const bytes refamed = records(message, fragment);
        CAPTURE(fragment, refamed.size());
        auto whole = parse(refamed);
        auto original = parse(hex(sample));
        REQUIRE(whole.state == status::done);
        CHECK(whole.sni == original.sni);
        CHECK(whole.alpn == original.alpn);
        if (fragment >= 5 || sample == samples::tls13_sni_alpn) require_need_more_for_every_prefix(refamed);
    }
}

TEST_CASE("bytes after the ClientHello (same record or next ones) do not matter") {
    hello_fields f;
    f.extensions = sni_extension({"a.example"});
    const bytes message = client_hello_message(f);
    // One record holding the hello and the start of another handshake message.
    require_hello(records(cat({message, hex("0b 00 00 10")})), {"a.example", {}});
    // Application data right behind.
    require_hello(cat({records(message), hex("17 03 03 00 05  01 02 03 04 05")}), {"a.example", {}});
}

TEST_CASE("hellos built field by field") {
    hello_fields f;
    SECTION("no extensions block at all (SSLv3 style)") {
        f.has_extensions = false;
        require_hello(records(client_hello_message(f)), {"", {}});
    }
    SECTION("empty extensions block") { require_hello(records(client_hello_message(f)), {"", {}}); }
    SECTION("SNI is trimmed and lower-cased as Traefik's CanonicalDomain does") {
        f.extensions = sni_extension({" IMAP.Example.COM "});
        require_hello(records(client_hello_message(f)), {"imap.example.com", {}});
    }
    SECTION("a name_type other than host_name is skipped") {
        f.extensions = extension(0, u16_prefixed(cat({u8(1), u16_prefixed(text("other")), u8(0),
                                                       u16_prefixed(text("host.example"))})));
        require_hello(records(client_hello_message(f)), {"host.example", {}});
    }
    SECTION("unknown extensions are skipped; ALPN before SNI") {
        f.extensions = cat({extension(0xfafa, {}), alpn_extension({"imap", "h2"}), extension(51, hex("00 02 aa bb")),
                            sni_extension({"x.test"})});
        require_hello(records(client_hello_message(f)), {"x.test", {"imap", "h2"}});
    }
    SECTION("session id of 0 bytes") {
        f.session_id = {};
        require_hello(records(client_hello_message(f)), {"", {}});
    }
}

TEST_CASE("a minimal ClientHello written out in annotated hex") {
    const bytes hello = hex(R"(
        16  03 01  00 3a                    # record: handshake, TLS 1.0, 58 bytes
        01  00 00 36                        # ClientHello, 54 bytes
        03 03                               # legacy_version TLS 1.2
        00000000000000000000000000000000    # random (32 bytes)
        00000000000000000000000000000000
        00                                  # session_id: empty
        00 02  13 01                        # cipher_suites: TLS_AES_128_GCM_SHA256
        01  00                              # compression: null
        00 0b                               # extensions: 11 bytes
        00 00  00 07                        #   server_name, 7 bytes
        00 05  00  00 02  6d 78             #     list 5 bytes: host_name "mx"
    )");
    require_hello(hello, {"mx", {}});
    require_need_more_for_every_prefix(hello);
}

TEST_CASE("first bytes that are not a TLS handshake record are plain TCP") {
    for (const char* plain :
         {"EHLO mail.example.com\r\n", "GET / HTTP/1.1\r\n", "a001 LOGIN x y\r\n", "\x17\x03\x03"}) {
        CAPTURE(plain);
        CHECK(parse(text(plain)).state == status::not_tls);
    }
    CHECK(parse(hex("00 00 00 08 04 d2 16 2f")).state == status::not_tls);  // Postgres SSLRequest
    CHECK(parse(hex("81 2e")).state == status::not_tls);                  // high bit, but not Traefik's 0x80 marker
}

TEST_CASE("nothing yet, or only the first byte of a record, asks for more") {
    CHECK(parse({}).state == status::need_more);
    CHECK(parse(hex("16")).state == status::need_more);
    CHECK(parse(hex("16 03 01 00")).state == status::need_more);
}

TEST_CASE("broken hellos are malformed and say why") {
    hello_fields f;
    f.extensions = sni_extension({"ok.example"});
    const bytes good = client_hello_message(f);

    struct row {
        const char* what;
        bytes input;
    };
    hello_fields odd_suites = f, no_suites = f, no_compression = f, long_session = f;
    odd_suites.cipher_suites = hex("13 01 13");
    no_suites.cipher_suites = {};
    no_compression.compression = {};
    long_session.session_id = bytes(33, std::byte{1});
    hello_fields dot = f, two_names = f, empty_list = f, empty_name = f, alpn_empty = f, alpn_no_list = f,
                 dup = f, ext_overrun = f, sni_extra = f;
    dot.extensions = sni_extension({"mail.example.com."});
    two_names.extensions = sni_extension({"a.example", "b.example"});
    empty_list.extensions = extension(0, u16_prefixed({}));
    empty_name.extensions = sni_extension({""});
    alpn_empty.extensions = alpn_extension({"h2", ""});
    alpn_no_list.extensions = extension(16, u16_prefixed({}));
    dup.extensions = cat({extension(23, {}), extension(23, {})});
    ext_overrun.extensions = cat({u16(0xff01), u16(9), hex("00 00")});
    sni_extra.extensions = extension(0, cat({u16_prefixed(cat({u8(0), u16_prefixed(text("a.example"))})), hex("00")}));
    bytes trailing = good;  // one byte after the extensions block, counted in the body length
    trailing.push_back(std::byte{0});
    trailing[3] = static_cast<std::byte>(static_cast<unsigned>(trailing[3]) + 1);

    const std::vector<row> rows = {
        {"SSLv2-compatible hello (Go's crypto/tls refuses it)", hex("80 2e 01 03 01 00 15 00 00 00 10")},
        {"record version >= 0x1000", records(good, 16384, 0x1603)},
        {"zero-length handshake record", cat({hex("16 03 01 00 00"), records(good)})},
        {"record longer than TLS allows", cat({hex("16 03 01 48 01"), good})},
        {"an alert record between fragments", cat({records(bytes(good.begin(), good.begin() + 10)),
                                                  hex("15 03 03 00 02 02 28")})},
        {"first handshake message is a ServerHello", records(cat({hex("02"), bytes(good.begin() + 1, good.end())}))},
        {"ServerHello type split across records", records(cat({hex("02"), bytes(good.begin() + 1, good.end())}), 1)},
        {"ClientHello declared 1 byte over the cap", hex("16 03 01 00 04  01 00 40 0c")},  // 4 + 16396 > 16404 - 5
        {"odd cipher_suites length", records(client_hello_message(odd_suites))},
        {"no cipher suite", records(client_hello_message(no_suites))},
        {"no compression method", records(client_hello_message(no_compression))},
        {"session_id of 33 bytes", records(client_hello_message(long_session))},
        {"SNI with a trailing dot (Go refuses it)", records(client_hello_message(dot))},
        {"two host_names", records(client_hello_message(two_names))},
        {"empty server_name list", records(client_hello_message(empty_list))},
        {"empty host_name", records(client_hello_message(empty_name))},
        {"empty ALPN protocol name", records(client_hello_message(alpn_empty))},
        {"empty ALPN list", records(client_hello_message(alpn_no_list))},
        {"repeated extension", records(client_hello_message(dup))},
        {"extension longer than the block", records(client_hello_message(ext_overrun))},
        {"bytes after the server_name list", records(client_hello_message(sni_extra))},
        {"bytes after the extensions block", records(trailing)},
        {"body shorter than random", records(hex("01 00 00 05  03 03 00 00 00"))},
    };
    for (const auto& [what, input] : rows) {
        auto r = parse(input);
        CAPTURE(what, r.why);
        CHECK(r.state == status::malformed);
        CHECK(!r.why.empty());
    }
}

TEST_CASE("the inspection cap bounds how much is ever peeked") {
    // A hello declared at the cap's edge: accepted size is max_client_hello_bytes minus one record header.
    hello_fields f;
    const size_t base = client_hello_message(f).size();
    f.extensions = extension(21, bytes(max_client_hello_bytes - 5 - base - 4, std::byte{0}));  // padding extension
    const bytes at_cap = client_hello_message(f);
    REQUIRE(at_cap.size() == max_client_hello_bytes - 5);
    CHECK(parse(records(at_cap, at_cap.size())).state == status::done);  // one record: exactly the cap

    f.extensions = extension(21, bytes(max_client_hello_bytes - 5 - base - 4 + 1, std::byte{0}));
    CHECK(parse(records(client_hello_message(f))).state == status::malformed);

    // Tiny records cost 5 header bytes each: once the peek holds the cap and the hello is still incomplete, give up.
    const bytes tiny = records(at_cap, 16);
    CHECK(parse_client_hello(prefix(tiny, max_client_hello_bytes - 1)).state == status::need_more);
    CHECK(parse_client_hello(prefix(tiny, max_client_hello_bytes)).state == status::malformed);
    // ... and the whole of it too: the verdict depends only on the first max_client_hello_bytes bytes.
    CHECK(parse(tiny).state == status::malformed);
}
