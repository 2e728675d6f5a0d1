#include "tls/setup.hpp"

#include "sy_catch.hpp"
#include "test_certs.hpp"

using namespace sy::tls;

TEST_CASE("the certificates of a configuration: loaded, refused with the file named, expiry warned") {
    auto good = testing::make_cert({"mail.example.com"});
    auto soon = testing::make_cert({"soon.example.com"}, false, 5);
    auto old = testing::make_cert({"old.example.com"}, false, -3);
    sy::config::tls_section tls;
    tls.certificates.push_back({good.cert, good.key, {}});
    tls.certificates.push_back({soon.cert, soon.key, {}});
    tls.certificates.push_back({old.cert, old.key, {}});
    tls.certificates.push_back({"/nonexistent/x.crt", good.key, {}});
    tls.certificates.push_back({good.cert, old.key, {}});
    const auto now = std::chrono::system_clock::now();
    sy::config::dynamic_config dyn;
    dyn.tls = tls;
    auto s = build_setup(dyn, {}, {}, now);
    REQUIRE(s->certificates.size() == 5);
    CHECK(s->certificates[0].state == "enabled");
    CHECK(s->certificates[0].source == "inline PEM");
    CHECK(s->certificates[1].state == "warning");
    CHECK(s->certificates[1].errors.at(0).find("(in 4 days)") != std::string::npos);
    CHECK(s->certificates[2].errors.at(0).rfind("expired on ", 0) == 0);
    CHECK(s->certificates[3].state == "disabled");
    CHECK(s->certificates[3].source == "certFile /nonexistent/x.crt");
    CHECK(s->certificates[3].errors.at(0) == "certFile /nonexistent/x.crt: cannot read: No such file or directory");
    CHECK(s->certificates[4].errors.at(0) == "inline keyFile: the private key does not match the certificate in inline certFile");
    CHECK(s->store->find("mail.example.com"));
    CHECK(s->store->find("old.example.com"));  // expired is warned about, still served (as Traefik)
    CHECK(s->options.empty());  // nothing terminates: no contexts, no generated certificate
    CHECK(s->store->fallback().empty());
}

TEST_CASE("terminating: every option set is made, default included, and the generated default certificate") {
    sy::config::tls_section tls;
    tls.options["strict@file"].sni_strict = true;
    tls.options["bad@file"].max_version = "TLS13";
    sy::config::dynamic_config dyn;
    dyn.tls = tls;
    auto s = build_setup(dyn, {}, {true, false}, std::chrono::system_clock::now());
    CHECK(s->options.count("default"));
    CHECK(s->options.at("strict@file")->sni_strict);
    CHECK_FALSE(s->options.count("bad@file"));
    REQUIRE(s->option_errors.at("bad@file").size() == 1);
    REQUIRE_FALSE(s->store->fallback().empty());
    CHECK(s->store->fallback().rsa->subject == "/CN=TRAEFIK DEFAULT CERT");
    CHECK(s->certificates.back().generated);
}

TEST_CASE("a bad defaultCertificate is named, and the generated one is served instead") {
    sy::config::tls_section tls;
    tls.stores["default"].default_certificate = sy::config::tls_certificate{"/nonexistent/d.crt", "/nonexistent/d.key", {}};
    sy::config::dynamic_config dyn;
    dyn.tls = tls;
    auto s = build_setup(dyn, {}, {true, false}, std::chrono::system_clock::now());
    REQUIRE(s->default_problems.size() == 2);
    CHECK(s->default_problems[0] == "tls.stores.default.defaultCertificate: certFile /nonexistent/d.crt: cannot "
                                    "read: No such file or directory; the generated default certificate is served "
                                    "instead");
    CHECK(s->store->fallback().rsa->subject == "/CN=TRAEFIK DEFAULT CERT");
}
