#include "wire/postgres_ssl_request.hpp"

#include "hex.hpp"
#include "sy_catch.hpp"

using namespace sy::wire;
using namespace sy::wire::test;

TEST_CASE("Postgres SSLRequest: answered at the first byte that differs") {
    const bytes req = hex("00 00 00 08 04 d2 16 2f");
    for (size_t n = 0; n < req.size(); ++n) CHECK(match_postgres_ssl_request(std::span(req).first(n)) ==
                                                 ssl_request_match::need_more);
    CHECK(match_postgres_ssl_request(req) == ssl_request_match::yes);
    CHECK(match_postgres_ssl_request(hex("16 03 01")) == ssl_request_match::no);
    CHECK(match_postgres_ssl_request(hex("00 00 00 09")) == ssl_request_match::no);
    // A StartupMessage without SSL (protocol 3.0) differs at its fifth byte.
    CHECK(match_postgres_ssl_request(hex("00 00 00 08 00 03 00 00")) == ssl_request_match::no);
}
