#include "sy_catch.hpp"

#include "base/text.hpp"

TEST_CASE("suggestions for misspelt keys") {
    std::vector<std::string> keys{"entryPoints", "providers", "accessLog", "log"};
    CHECK(sy::closest_match("entrypoint", keys) == "entryPoints");
    CHECK(sy::closest_match("acceslog", keys) == "accessLog");
    CHECK(sy::closest_match("zzzzzzzzzz", keys).empty());
}

TEST_CASE("comma lists keep empty elements, as Traefik's label decoder does") {
    CHECK(sy::split_list("a, b ,,c,") == std::vector<std::string>{"a", "b", "", "c", ""});
    CHECK(sy::split_list("").empty());
}
