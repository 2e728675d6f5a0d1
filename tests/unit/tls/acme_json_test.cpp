#include "tls/acme_json.hpp"

#include <nlohmann/json.hpp>

#include "sy_catch.hpp"
#include "test_certs.hpp"
#include "tls/setup.hpp"

using namespace sy::tls;

namespace {

std::string b64(const std::string& s) {
    static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < s.size(); i += 3) {
        const unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];
        for (int k = 18; k >= 0; k -= 6) out += a[(v >> k) & 63];
    }
    if (i + 1 == s.size()) {
        const unsigned v = (unsigned char)s[i] << 16;
        out += a[(v >> 18) & 63];
        out += a[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == s.size()) {
        const unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8;
        out += a[(v >> 18) & 63];
        out += a[(v >> 12) & 63];
        out += a[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

}  // namespace

TEST_CASE("base64 as Go's encoding/json writes []byte") {
    std::string out;
    CHECK(decode_base64("aGVsbG8=", out));
    CHECK(out == "hello");
    CHECK(decode_base64("aGk=", out));
    CHECK(out == "hi");
    CHECK_FALSE(decode_base64("aGk=aa", out));
    CHECK_FALSE(decode_base64("a$b", out));
    CHECK(decode_base64(b64("any bytes \x01\x02"), out));
    CHECK(out == "any bytes \x01\x02");
}

TEST_CASE("Traefik's acme.json: every resolver's certificates, bad entries named") {
    auto p = testing::make_cert({"mail.example.com"});
    nlohmann::json doc = {
        {"le", {{"Account", {{"Email", "a@example.com"}}},
                {"Certificates",
                 {{{"domain", {{"main", "mail.example.com"}}}, {"certificate", b64(p.cert)}, {"key", b64(p.key)},
                   {"Store", "default"}},
                  {{"domain", {{"main", "broken.example.com"}}}, {"certificate", "!!"}, {"key", b64(p.key)}}}}}},
        {"staging", {{"Account", nullptr}, {"Certificates", nullptr}}},
    };
    auto found = parse_acme_json(doc.dump(), "/data/acme.json");
    REQUIRE(found.size() == 2);
    CHECK(found[0].source == "acme.json /data/acme.json (le) mail.example.com");
    CHECK(found[0].error.empty());
    CHECK(found[0].cert_pem == p.cert);
    CHECK(found[1].error == "acme.json /data/acme.json (le) broken.example.com: no base64 \"certificate\"");

    auto bad = parse_acme_json("{\"le\": [", "/data/acme.json");
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].error == "acme.json /data/acme.json: not JSON");
}

TEST_CASE("acme.json certificates are served beside the configuration's, the file watched") {
    auto p = testing::make_cert({"acme.example.com"});
    const std::string path = "/tmp/sy-unit-acme.json";
    {
        nlohmann::json doc = {{"le", {{"Certificates", {{{"certificate", b64(p.cert)}, {"key", b64(p.key)}}}}}}};
        FILE* f = std::fopen(path.c_str(), "w");
        REQUIRE(f);
        const auto text = doc.dump();
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    }
    auto s = build_setup({}, {path, "/nonexistent/acme.json"}, {}, std::chrono::system_clock::now());
    CHECK(s->store->find("acme.example.com"));
    REQUIRE(s->certificates.size() == 2);
    CHECK(s->certificates[0].source == "acme.json " + path + " (le) #0");
    CHECK(s->certificates[1].state == "disabled");
    CHECK(s->certificates[1].errors.at(0) == "acmeJSON /nonexistent/acme.json: cannot read: No such file or directory");
    CHECK(s->files.size() == 2);
    std::remove(path.c_str());
}
