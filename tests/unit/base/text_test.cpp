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

TEST_CASE("closest_name: other case, a word of the name, then spelling") {
    const std::vector<std::string> eps{"mail-smtp", "mail-submission", "mail-submissions", "mail-imaps", "web"};
    CHECK(sy::closest_name("smtp", eps) == "mail-smtp");  // docker-mailserver's guide, once
    CHECK(sy::closest_name("submissions", eps) == "mail-submissions");
    CHECK(sy::closest_name("Web", eps) == "web");
    CHECK(sy::closest_name("mail-imap", eps) == "mail-imaps");
    CHECK(sy::closest_name("pop3", eps).empty());
    CHECK(sy::closest_name("", eps).empty());
    const std::vector<std::string> short_names{"smtp", "imap"};
    CHECK(sy::closest_name("mail-smtp", short_names) == "smtp");
}
