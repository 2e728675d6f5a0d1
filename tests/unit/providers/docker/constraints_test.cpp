#include "sy_catch.hpp"

#include "providers/docker/constraints.hpp"

using namespace sy::providers::docker;

namespace {
bool match(std::string_view expr, const std::map<std::string, std::string>& labels) {
    auto c = compile_constraint(expr);
    REQUIRE(c);
    return c->matches(labels);
}
}  // namespace

TEST_CASE("constraints: Traefik's label expressions") {
    const std::map<std::string, std::string> mail{{"com.docker.compose.project", "mail"}, {"tier", "edge"}};
    CHECK(match("", mail));
    CHECK(match("Label(`tier`, `edge`)", mail));
    CHECK_FALSE(match("Label(`tier`, `core`)", mail));
    CHECK(match("Label(`missing`, ``)", mail));  // a missing label reads as "", as Go's map lookup
    CHECK(match("LabelRegex(`com.docker.compose.project`, `ma`)", mail));  // unanchored, as regexp.MatchString
    CHECK_FALSE(match("LabelRegex(`com.docker.compose.project`, `^ma$`)", mail));
    CHECK(match("Label(`tier`,`edge`) && !Label(`tier`,`core`)", mail));
    CHECK(match("Label(`tier`,`core`) || Label(`tier`,`edge`)", mail));
    CHECK_FALSE(match("!(Label(`tier`,`core`) || Label(`tier`,`edge`))", mail));
}

TEST_CASE("constraints: errors name the option") {
    auto bad = compile_constraint("Label(`a`)");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().where == "providers.docker.constraints");
    CHECK_FALSE(compile_constraint("HostSNI(`a`)"));
    CHECK_FALSE(compile_constraint("LabelRegex(`a`, `(`)"));
    CHECK_FALSE(compile_constraint("Label(`a`,`b`) &&"));
}
