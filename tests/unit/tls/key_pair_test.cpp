#include "tls/key_pair.hpp"

#include <filesystem>
#include <fstream>

#include "sy_catch.hpp"
#include "test_certs.hpp"
#include "tls/pem_source.hpp"

using namespace sy::tls;

TEST_CASE("a key pair gives its names, kind and validity") {
    auto p = testing::make_cert({"Mail.Example.com", "imap.example.com"}, false, 10);
    auto kp = load_key_pair({p.cert, "a.crt", true}, {p.key, "a.key", true});
    REQUIRE(kp);
    CHECK(kp->names == std::vector<std::string>{"mail.example.com", "imap.example.com"});
    CHECK(kp->kind == key_kind::ecdsa);
    const auto left = kp->not_after - std::chrono::system_clock::now();
    CHECK(left > std::chrono::hours(24 * 9));
    CHECK(left < std::chrono::hours(24 * 11));
}

TEST_CASE("bad certificates and keys are refused with the file they came from") {
    auto a = testing::make_cert({"a.example"});
    auto b = testing::make_cert({"b.example"});
    SECTION("the key of another certificate") {
        auto kp = load_key_pair({a.cert, "/etc/a.crt", true}, {b.key, "/etc/b.key", true});
        REQUIRE_FALSE(kp);
        CHECK(kp.error().to_string() == "/etc/b.key: the private key does not match the certificate in /etc/a.crt");
    }
    SECTION("not PEM") {
        auto kp = load_key_pair({"hello", "/etc/a.crt", true}, {a.key, "/etc/a.key", true});
        REQUIRE_FALSE(kp);
        CHECK(kp.error().to_string() == "/etc/a.crt: not PEM: no -----BEGIN CERTIFICATE----- block");
    }
    SECTION("a certificate where the key belongs") {
        auto kp = load_key_pair({a.cert, "/etc/a.crt", true}, {a.cert, "/etc/a.key", true});
        REQUIRE_FALSE(kp);
        CHECK(kp.error().to_string().rfind("/etc/a.key: no readable private key", 0) == 0);
    }
}

TEST_CASE("certFile and keyFile are a path, or the PEM itself, as in Traefik") {
    std::vector<file_stamp> read;
    auto inline_pem = read_file_or_content("certFile", "-----BEGIN CERTIFICATE-----\nxx", read);
    REQUIRE(inline_pem);
    CHECK_FALSE(inline_pem->from_file);
    CHECK(read.empty());

    auto missing = read_file_or_content("certFile", "/nonexistent/mail.crt", read);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().to_string() == "certFile /nonexistent/mail.crt: cannot read: No such file or directory");
    REQUIRE(read.size() == 1);  // watched: the file appearing later makes the next build
    CHECK(read[0].size == -1);

    const auto path = std::filesystem::temp_directory_path() / "sy-unit-tls-pem.crt";
    { std::ofstream(path) << "content"; }
    auto file = read_file_or_content("certFile", path.string(), read);
    REQUIRE(file);
    CHECK(file->text == "content");
    CHECK_FALSE(any_changed(read));  // the missing one is still missing, the read one unchanged
    { std::ofstream(path) << "content, rotated"; }
    CHECK(any_changed(read));
    std::filesystem::remove(path);
}
