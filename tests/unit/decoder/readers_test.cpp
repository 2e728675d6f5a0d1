#include "decoder/readers.hpp"
#include "sy_catch.hpp"

using namespace sy::decoder;

namespace {
const node& at(const node& root, std::initializer_list<const char*> path) {
    const node* n = &root;
    for (const char* p : path) {
        n = n->find(p);
        REQUIRE(n);
    }
    return *n;
}
}  // namespace

TEST_CASE("flags: --key=value, bare flags are true, later flags win") {
    std::vector<std::string> args{"--entryPoints.smtp.address=:25", "--providers.docker", "-log.level=DEBUG",
                                  "--log.level=INFO", "--x=a=b"};
    auto r = read_flags(args);
    REQUIRE(r);
    CHECK(at(*r, {"entrypoints", "smtp", "address"}).value == ":25");
    CHECK(at(*r, {"providers", "docker"}).value == "true");
    CHECK(at(*r, {"log", "level"}).value == "INFO");
    CHECK(at(*r, {"x"}).value == "a=b");
    CHECK(at(*r, {"entryPoints", "smtp", "address"}).origin == "--entryPoints.smtp.address");
}

TEST_CASE("flags: a value without '=' is refused with a hint") {
    std::vector<std::string> args{"--log.level", "DEBUG"};
    auto r = read_flags(args);
    REQUIRE_FALSE(r);
    CHECK(r.error().what.find("--log.level=DEBUG") != std::string::npos);
    std::vector<std::string> bad{"--a..b=1"};
    CHECK_FALSE(read_flags(bad));
}

TEST_CASE("YAML: maps, scalar lists, lists of maps, nulls, line numbers") {
    auto r = read_yaml("entryPoints:\n  smtp:\n    address: \":25\"\nping:\nlist: [a, b]\n"
                       "servers:\n  - address: 1.2.3.4:25\n  - address: 1.2.3.5:25\n",
                       "t.yml");
    REQUIRE(r);
    const node& addr = at(*r, {"entryPoints", "smtp", "address"});
    CHECK(addr.value == ":25");
    CHECK(addr.origin == "t.yml:3");
    CHECK(at(*r, {"ping"}).value == "");
    CHECK(at(*r, {"list"}).list == std::vector<std::string>{"a", "b"});
    CHECK(at(*r, {"servers", "[1]", "address"}).value == "1.2.3.5:25");
}

TEST_CASE("YAML: a parse error names file:line") {
    auto r = read_yaml("a: b\nc: [d\n", "bad.yml");
    REQUIRE_FALSE(r);
    CHECK(r.error().where.rfind("bad.yml:", 0) == 0);
}

TEST_CASE("TOML: tables, arrays, arrays of tables, line numbers") {
    auto r = read_toml("[entryPoints.smtp]\naddress = \":25\"\n[log]\nlevel = \"DEBUG\"\nn = 5\nb = true\n"
                       "l = [\"a\", \"b\"]\n[[servers]]\naddress = \"x:1\"\n",
                       "t.toml");
    REQUIRE(r);
    CHECK(at(*r, {"entryPoints", "smtp", "address"}).value == ":25");
    CHECK(at(*r, {"entryPoints", "smtp", "address"}).origin == "t.toml:2");
    CHECK(at(*r, {"log", "n"}).value == "5");
    CHECK(at(*r, {"log", "b"}).value == "true");
    CHECK(at(*r, {"log", "l"}).list == std::vector<std::string>{"a", "b"});
    CHECK(at(*r, {"servers", "[0]", "address"}).value == "x:1");
}

TEST_CASE("TOML: a parse error names file:line") {
    auto r = read_toml("a = \"b\"\nc = = d\n", "bad.toml");
    REQUIRE_FALSE(r);
    CHECK(r.error().where.rfind("bad.toml:2", 0) == 0);
}

TEST_CASE("config files are read by extension") {
    CHECK(read_config_file("a: 1\n", "x.YAML"));
    CHECK(read_config_file("a = 1\n", "x.toml"));
    CHECK_FALSE(read_config_file("{}", "x.json"));
}
