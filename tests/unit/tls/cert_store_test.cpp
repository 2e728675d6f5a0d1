#include "tls/cert_store.hpp"

#include "sy_catch.hpp"
#include "test_certs.hpp"
#include "tls/key_pair.hpp"

using namespace sy::tls;

namespace {

std::shared_ptr<const key_pair> pair_for(std::vector<std::string> names, bool rsa = false) {
    auto p = testing::make_cert(names, rsa);
    auto kp = load_key_pair({p.cert, "cert.pem", true}, {p.key, "key.pem", true});
    REQUIRE(kp);
    return std::make_shared<const key_pair>(std::move(*kp));
}

}  // namespace

TEST_CASE("a certificate is found by its exact name first, then a wildcard, else none") {
    certificate_store store;
    auto exact = pair_for({"mail.example.com"});
    auto wild = pair_for({"*.example.com"});
    store.add(wild);
    store.add(exact);
    REQUIRE(store.find("mail.example.com"));
    CHECK(store.find("mail.example.com")->ecdsa == exact);
    CHECK(store.find("MAIL.Example.COM.")->ecdsa == exact);  // case and a trailing dot do not matter
    REQUIRE(store.find("imap.example.com"));
    CHECK(store.find("imap.example.com")->ecdsa == wild);
    CHECK_FALSE(store.find("a.b.example.com"));  // a wildcard covers one label, as in Go
    CHECK_FALSE(store.find("example.com"));
    CHECK_FALSE(store.find(""));
}

TEST_CASE("one name holds an RSA and an ECDSA certificate side by side, the first of each kind winning") {
    certificate_store store;
    auto ec = pair_for({"mail.example.com"});
    auto rsa = pair_for({"mail.example.com"}, true);
    auto ec2 = pair_for({"mail.example.com"});
    store.add(ec);
    store.add(rsa);
    store.add(ec2);
    const auto* e = store.find("mail.example.com");
    REQUIRE(e);
    CHECK(e->ecdsa == ec);
    CHECK(e->rsa == rsa);
    CHECK(rsa->kind == key_kind::rsa);
}

TEST_CASE("the default certificate is what a name without a certificate falls back to") {
    certificate_store store;
    CHECK(store.fallback().empty());
    auto d = pair_for({"default.example"});
    store.set_default(d);
    CHECK(store.fallback().ecdsa == d);
}
