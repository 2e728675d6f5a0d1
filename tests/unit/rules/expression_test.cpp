// The generic expression parser: Go's tokens, precedence, string literals, and errors that name the position.
#include "rules/expression.hpp"
#include "rules/lexer.hpp"
#include "sy_catch.hpp"

using namespace sy::rules;

namespace {
std::string parse_error(std::string_view text) {
    auto r = parse_expression(text);
    return r ? std::string("(parsed)") : r.error().to_string();
}
std::string canonical(std::string_view text) {
    auto r = parse_expression(text);
    return r ? to_string(*r) : "error: " + r.error().to_string();
}
}  // namespace

TEST_CASE("a call keeps its name, arguments and positions", "[rules][expression]") {
    auto e = parse_expression("  Label(`com.example.a`, \"x\")");
    REQUIRE(e);
    CHECK(e->k == expr::kind::call);
    CHECK(e->name == "Label");
    CHECK(e->pos == 2);
    CHECK(e->args == std::vector<std::string>{"com.example.a", "x"});
    CHECK(e->arg_pos == std::vector<size_t>{8, 25});
}

TEST_CASE("&& binds tighter than ||, chains are n-ary, ! applies to one operand", "[rules][expression]") {
    auto e = parse_expression("A(`1`) || B(`2`) && C(`3`) || !D(`4`)");
    REQUIRE(e);
    REQUIRE(e->k == expr::kind::any_of);
    REQUIRE(e->operands.size() == 3);
    CHECK(e->operands[0].name == "A");
    CHECK(e->operands[1].k == expr::kind::all_of);
    CHECK(e->operands[1].operands[1].name == "C");
    CHECK(e->operands[2].k == expr::kind::negation);
    CHECK(e->operands[2].pos == 30);
    CHECK(e->operands[2].operands[0].name == "D");

    CHECK(canonical("(A(`1`) || B(`2`)) && C(`3`)") == "(A(`1`) || B(`2`)) && C(`3`)");
    CHECK(canonical("A(`1`)||B(`2`)&&C(`3`)") == "A(`1`) || B(`2`) && C(`3`)");
    CHECK(canonical("!(A(`1`) && B(`2`))") == "!(A(`1`) && B(`2`))");
    CHECK(canonical("!!A(`1`)") == "!!A(`1`)");
    CHECK(canonical("((A(`1`)))") == "A(`1`)");
    CHECK(canonical("A(`1`,)") == "A(`1`)");  // Go allows a trailing comma
    CHECK(canonical("A()") == "A()");
    CHECK(canonical("A(`1`)\n\t&& B(`2`)") == "A(`1`) && B(`2`)");
}

TEST_CASE("Go string literals: raw strings as written, interpreted strings with Go's escapes", "[rules][expression]") {
    auto arg = [](std::string_view text) {
        auto e = parse_expression(text);
        return e ? e->args.at(0) : "error: " + e.error().to_string();
    };
    CHECK(arg("A(`a\\.b`)") == "a\\.b");
    CHECK(arg("A(`a\r\nb`)") == "a\nb");  // Go drops \r from raw strings
    CHECK(arg(R"(A("a\"b"))") == "a\"b");
    CHECK(arg(R"(A("\\."))") == "\\.");
    CHECK(arg(R"(A("\x41\101\u00e9\U0001F9AD\t"))") == "AA\xC3\xA9\xF0\x9F\xA6\xAD\t");
    CHECK(arg("A(\"`\")") == "`");
    CHECK(parse_error(R"(A("\q"))") == "unknown escape sequence \\q at 3");
    CHECK(parse_error(R"(A("\x4"))") == "escape \\x needs 2 hex digits at 3");
    CHECK(parse_error(R"(A("\uD800"))") == "escape is not a valid Unicode code point at 3");
    CHECK(parse_error(R"(A("\400"))") == "octal escape value > 255 at 3");
    CHECK(parse_error(R"(A("\'"))") == "unknown escape sequence \\' at 3");
    CHECK(parse_error("A(\"a\nb\")") == "unterminated string at 2");
    CHECK(parse_error("A(`abc)") == "unterminated string at 2");
    CHECK(quote_go("a.b") == "`a.b`");
    CHECK(quote_go("a`b") == "\"a`b\"");
    CHECK(quote_go("a\nb\"") == "\"a\\nb\\\"\"");
}

TEST_CASE("errors name the problem and the byte position", "[rules][expression]") {
    CHECK(parse_error("") == "empty rule");
    CHECK(parse_error("   ") == "empty rule");
    CHECK(parse_error("HostSNI(`a`))") == "unexpected ')' at 12");
    CHECK(parse_error("HostSNI(`a`) && ") == "unexpected end of rule, expected a matcher at 16");
    CHECK(parse_error("(HostSNI(`a`)") == "expected ')' to close '(' at 0, found end of rule at 13");
    CHECK(parse_error("HostSNI") == "expected '(' after \"HostSNI\", found end of rule at 7");
    CHECK(parse_error("HostSNI(`a` `b`)") == "expected ',' or ')' in the arguments of \"HostSNI\", found string `b` at 12");
    CHECK(parse_error("HostSNI(a)") ==
          "expected a string argument to \"HostSNI\", found \"a\" (arguments are quoted: `...` or \"...\") at 8");
    CHECK(parse_error("HostSNI('a')") ==
          "single quotes do not delimit strings in rules (use `...` or \"...\") at 8");
    CHECK(parse_error("HostSNI(1)") ==
          "unexpected number (matcher arguments are strings: `...` or \"...\") at 8");
    CHECK(parse_error("HostSNI(`a`) & ClientIP(`b`)") == "unsupported operator \"&\" (the AND operator is \"&&\") at 13");
    CHECK(parse_error("HostSNI(`a`) | ClientIP(`b`)") == "unsupported operator \"|\" (the OR operator is \"||\") at 13");
    CHECK(parse_error("HostSNI(`a`) == ClientIP(`b`)") ==
          "unsupported operator \"==\" (rules only combine matchers with &&, || and !) at 13");
    CHECK(parse_error("HostSNI(`a`) != ClientIP(`b`)") ==
          "unsupported operator \"!=\" (rules only combine matchers with &&, || and !) at 13");
    CHECK(parse_error("HostSNI(`a`) HostSNI(`b`)") == "unexpected \"HostSNI\" (missing \"&&\" or \"||\"?) at 13");
    CHECK(parse_error("`a`") == "unexpected string `a` (a string must be a matcher's argument) at 0");
    CHECK(parse_error("rulewithnotmatcher") == "expected '(' after \"rulewithnotmatcher\", found end of rule at 18");
    CHECK(parse_error("a.b(`x`)") == "unsupported operator \".\" at 1");
    CHECK(parse_error("HostSNI(`a`) && \x01") == "unexpected character '\\x01' at 16");
}

TEST_CASE("nesting is bounded, long flat chains are not", "[rules][expression]") {
    std::string deep(max_expression_depth + 1, '(');
    deep += "A(`1`)" + std::string(max_expression_depth + 1, ')');
    CHECK(parse_error(deep).starts_with("rule nests deeper than 100 levels at "));
    std::string bangs(max_expression_depth + 1, '!');
    CHECK(parse_error(bangs + "A(`1`)").starts_with("rule nests deeper than"));
    std::string ok(max_expression_depth - 1, '(');
    ok += "A(`1`)" + std::string(max_expression_depth - 1, ')');
    CHECK(parse_expression(ok));

    std::string chain = "A(`0`)";
    for (int i = 1; i < 20000; ++i) chain += " || A(`" + std::to_string(i) + "`)";
    auto e = parse_expression(chain);
    REQUIRE(e);
    CHECK(e->operands.size() == 20000);
}

TEST_CASE("matcher names: canonical, lower, upper and title case only", "[rules][expression]") {
    constexpr std::string_view names[] = {"HostSNI", "HostSNIRegexp", "ClientIP", "ALPN"};
    CHECK(resolve_name("HostSNI", names) == "HostSNI");
    CHECK(resolve_name("hostsni", names) == "HostSNI");
    CHECK(resolve_name("HOSTSNI", names) == "HostSNI");
    CHECK(resolve_name("Hostsni", names) == "HostSNI");
    CHECK_FALSE(resolve_name("hostSNI", names));
    CHECK_FALSE(resolve_name("HostSni", names));
    CHECK(resolve_name("Hostsniregexp", names) == "HostSNIRegexp");
    CHECK(resolve_name("clientip", names) == "ClientIP");
    CHECK(resolve_name("Alpn", names) == "ALPN");
    CHECK(resolve_name("alpn", names) == "ALPN");
    CHECK_FALSE(resolve_name("aLPN", names));
    CHECK_FALSE(resolve_name("Host", names));
}

TEST_CASE("Traefik TestRuleMatch (pkg/rules/parser_test.go), with one matcher named m", "[rules][expression][traefik]") {
    constexpr std::string_view names[] = {"m"};
    // Parse errors in Traefik, whether from Go's parser or from an unknown function.
    auto refused = [&](std::string_view rule) {
        auto e = parse_expression(rule);
        if (!e) return true;
        if (e->k == expr::kind::call) return !resolve_name(e->name, names);
        return false;
    };
    CHECK(refused(""));
    CHECK(refused("m"));
    CHECK(refused("m(`1`) &&"));
    CHECK(refused("m(`1`) ||"));
    CHECK(refused("m(`1)"));
    CHECK(refused("m(`1`))"));
    CHECK(refused("(m(`1`)"));
    CHECK(refused("w(`1`)"));
    // Parsed; values kept as written (CheckRule's "no value" / "empty value" errors come at compile time).
    CHECK(canonical("m()") == "m()");
    CHECK(canonical("m(``)") == "m(``)");
    CHECK(canonical("m(`1`)") == "m(`1`)");
    CHECK(canonical("(m(`1`))") == "m(`1`)");
    CHECK(resolve_name("M", names) == "m");
    CHECK(canonical("m(`1`, `2`)") == "m(`1`, `2`)");
    CHECK(canonical("!m(`1`)") == "!m(`1`)");
    CHECK(canonical("m(`1`) && m(`2`)") == "m(`1`) && m(`2`)");
    CHECK(canonical("m(`1`) || m(`2`)") == "m(`1`) || m(`2`)");
    CHECK(canonical("!(m(`1`) && m(`2`))") == "!(m(`1`) && m(`2`))");
    CHECK(canonical("!(m(`1`) || m(`2`))") == "!(m(`1`) || m(`2`))");
    CHECK(canonical("m(`1`) && m()") == "m(`1`) && m()");
}
