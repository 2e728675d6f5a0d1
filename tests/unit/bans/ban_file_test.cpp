#include "bans/ban_file.hpp"

#include "sy_catch.hpp"

using namespace sy;
using namespace sy::bans;

namespace {

std::string range_text(std::string_view s) {
    auto r = parse_ban_range(s);
    return r ? r->to_string() : "error: " + r.error().what;
}

}  // namespace

TEST_CASE("ban range: addresses and CIDRs, host bits cleared, IPv4-mapped taken as IPv4") {
    CHECK(range_text("192.0.2.7") == "192.0.2.7/32");
    CHECK(range_text("192.0.2.7/24") == "192.0.2.0/24");
    CHECK(range_text("0.0.0.0/0") == "0.0.0.0/0");
    CHECK(range_text("2001:db8::1") == "2001:db8::1/128");
    CHECK(range_text("[2001:db8::1]") == "2001:db8::1/128");
    CHECK(range_text("2001:db8:ffff::1/33") == "2001:db8:8000::/33");
    CHECK(range_text("::ffff:192.0.2.7") == "192.0.2.7/32");
    CHECK(range_text("::ffff:192.0.2.7/120") == "192.0.2.0/24");
    CHECK(range_text("::ffff:c000:0207/128") == "192.0.2.7/32");
}

TEST_CASE("ban range: malformed shapes") {
    for (const char* bad : {"192.0.2.300", "192.0.2", "host.example", "192.0.2.0/33", "192.0.2.0/", "192.0.2.0/x",
                            "192.0.2.0/-1", "192.0.2.0/24/8", "2001:db8::/129", "::ffff:192.0.2.0/64",
                            "fe80::1%eth0", "[2001:db8::1", "/24", ""}) {
        INFO(bad);
        CHECK_FALSE(parse_ban_range(bad));
    }
    CHECK(range_text("::ffff:192.0.2.0/64").find("96 or more") != std::string::npos);
    CHECK(range_text("192.0.2.0/33").find("0-32") != std::string::npos);
}

TEST_CASE("ban file: entries with expiry and comment, blank and comment lines, CRLF, no final newline") {
    const auto f = parse_ban_file("# written by fail2ban\n"
                                  "\n"
                                  "192.0.2.7\n"
                                  "  198.51.100.0/24   1796191200   # dovecot, 5 failures\r\n"
                                  "2001:db8::/32 2026-12-02T06:00:00Z\n"
                                  "\t\r\n"
                                  "203.0.113.9#no space before the comment");
    CHECK(f.errors.empty());
    REQUIRE(f.entries.size() == 4);
    CHECK(f.entries[0] == ban_entry{*parse_cidr("192.0.2.7"), never, "", 3});
    CHECK(f.entries[1] == ban_entry{*parse_cidr("198.51.100.0/24"), 1796191200, "dovecot, 5 failures", 4});
    CHECK(f.entries[2] == ban_entry{*parse_cidr("2001:db8::/32"), 1796191200, "", 5});
    CHECK(f.entries[3] == ban_entry{*parse_cidr("203.0.113.9"), never, "no space before the comment", 7});
    CHECK(parse_ban_file("").entries.empty());
    CHECK(parse_ban_file("\n\n").errors.empty());
}

TEST_CASE("ban file: every malformed shape is skipped and reported with its line; the rest still counts") {
    const std::string nul("192.0.2.8\0junk", 14);
    const auto f = parse_ban_file("192.0.2.1\n"
                                  "192.0.2.300\n"                        // 2: not an address
                                  "192.0.2.0/40\n"                       // 3: prefix too long
                                  "192.0.2.2 soon\n"                     // 4: bad expiry
                                  "192.0.2.3 1796191200 extra\n"         // 5: a third token
                                  "192.0.2.4 1796191200 a b c # x\n"     // 6: more tokens
                                  "2026-12-02T06:00:00Z 192.0.2.5\n"     // 7: the fields swapped
                                  + nul + "\n"                           // 8: a NUL byte
                                  "192.0.2.9\x01\n"                      // 9: a control byte
                                  "192.0.2.10 \xc3\xa9\n"                // 10: non-ASCII
                                  "::ffff:192.0.2.0/8\n"                 // 11: mapped, prefix too short
                                  "192.0.2.11 2026-02-30T00:00:00Z\n"    // 12: impossible date
                                  "192.0.2.12/24 # fine\n");
    REQUIRE(f.entries.size() == 2);
    CHECK(f.entries[0].line == 1);
    CHECK(f.entries[1].line == 13);
    std::vector<unsigned> lines;
    for (const auto& e : f.errors) lines.push_back(e.line);
    CHECK(lines == std::vector<unsigned>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    for (const auto& e : f.errors) {
        INFO(e.to_string());
        CHECK_FALSE(e.what.empty());
        CHECK(e.to_string().rfind("line " + std::to_string(e.line) + ": ", 0) == 0);
    }
    CHECK(f.errors[0].text == "192.0.2.300");
    CHECK(f.errors[0].what.find("\"192.0.2.300\" is not an IP address") != std::string::npos);
    CHECK(f.errors[2].what.find("expiry \"soon\"") != std::string::npos);
    CHECK(f.errors[3].what.find("unexpected \"extra\"") != std::string::npos);
    CHECK(f.errors[6].what.find("control or non-ASCII") != std::string::npos);
}

TEST_CASE("ban file: a long malformed line is kept short in its report") {
    const auto f = parse_ban_file(std::string(5000, 'x'));
    REQUIRE(f.errors.size() == 1);
    CHECK(f.errors[0].text.size() == 200);
}
