// The ban sources: the file's entries and CrowdSec's decisions merged into one set, each source replacing only its
// own part; status-only reports keep the set (the workers are not asked to look again).
#include "bans/ban_sources.hpp"

#include "sy_catch.hpp"

using namespace sy;
using namespace sy::bans;

namespace {

ban_entry ban(const char* range, unix_seconds expires = never) {
    ban_entry e;
    e.range = *parse_ban_range(range);
    e.expires = expires;
    return e;
}

ip_address ip(const char* s) { return *parse_ip(s); }

}  // namespace

TEST_CASE("ban sources: file and CrowdSec merge into one set, each replacing its own part") {
    std::vector<std::shared_ptr<const ban_list_version>> seen;
    ban_sources s("/bans.txt", {"smtp"}, "http://127.0.0.1:8080", [&](auto v) { seen.push_back(std::move(v)); });
    REQUIRE(seen.size() == 1);  // the empty first version
    CHECK(seen[0]->generation == 0);
    CHECK(seen[0]->set->entries() == 0);
    REQUIRE(seen[0]->crowdsec);
    CHECK(seen[0]->crowdsec->url == "http://127.0.0.1:8080");
    CHECK(seen[0]->file == "/bans.txt");
    CHECK(seen[0]->entry_points == std::vector<std::string>{"smtp"});

    const unix_seconds now = 1'800'000'000;
    s.file_loaded({ban("192.0.2.1"), ban("192.0.2.2")}, {}, now);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1]->generation == 1);
    CHECK(seen[1]->file_entries == 2);

    const std::vector<ban_entry> decisions{ban("198.51.100.0/24", now + 60)};
    s.crowdsec_pulled({"http://127.0.0.1:8080", 1, now, 1, ""}, &decisions, now);
    REQUIRE(seen.size() == 3);
    const auto& v = *seen[2];
    CHECK(v.generation == 2);
    CHECK(v.set->entries() == 3);
    CHECK(v.file_entries == 2);
    CHECK(v.set->banned(ip("192.0.2.1"), now));
    CHECK(v.set->banned(ip("198.51.100.77"), now));
    CHECK_FALSE(v.set->banned(ip("198.51.100.77"), now + 60));  // the decision's own expiry
    CHECK(v.crowdsec->decisions == 1);

    // The file changes: CrowdSec's part stays.
    s.file_loaded({ban("192.0.2.3")}, {{4, "x", "not an address"}}, now + 1);
    CHECK(seen.back()->set->banned(ip("198.51.100.1"), now + 1));
    CHECK_FALSE(seen.back()->set->banned(ip("192.0.2.1"), now + 1));
    CHECK(seen.back()->skipped.size() == 1);
    CHECK(seen.back()->file_entries == 1);

    // CrowdSec deletes: the file's part stays.
    const std::vector<ban_entry> none;
    s.crowdsec_pulled({"http://127.0.0.1:8080", 0, now + 2, 2, ""}, &none, now + 2);
    CHECK(seen.back()->set->entries() == 1);
    CHECK(seen.back()->set->banned(ip("192.0.2.3"), now + 2));
}

TEST_CASE("ban sources: a status-only report or an unreadable file keeps the set") {
    std::vector<std::shared_ptr<const ban_list_version>> seen;
    ban_sources s("/bans.txt", {}, "http://lapi:8080", [&](auto v) { seen.push_back(std::move(v)); });
    const unix_seconds now = 1'800'000'000;
    s.file_loaded({ban("192.0.2.1")}, {}, now);
    const auto set = seen.back()->set;
    s.crowdsec_pulled({"http://lapi:8080", 0, 0, 0, "crowdsec http://lapi:8080: cannot connect"}, nullptr, now);
    CHECK(seen.back()->set == set);
    CHECK(seen.back()->crowdsec->error == "crowdsec http://lapi:8080: cannot connect");
    CHECK(seen.back()->generation == 1);
    s.file_failed("/bans.txt: No such file or directory");
    CHECK(seen.back()->set == set);
    CHECK(seen.back()->read_error == "/bans.txt: No such file or directory");
    // The same decisions again: no rebuild.
    const std::vector<ban_entry> same;
    s.crowdsec_pulled({"http://lapi:8080", 0, now, 1, ""}, &same, now);
    CHECK(seen.back()->set == set);
    // The file readable again: its read error is gone.
    s.file_loaded({ban("192.0.2.1")}, {}, now);
    CHECK(seen.back()->read_error.empty());
}

TEST_CASE("ban sources: a file-only list has no CrowdSec part; an empty first file still builds a set") {
    std::vector<std::shared_ptr<const ban_list_version>> seen;
    ban_sources s("/bans.txt", {}, "", [&](auto v) { seen.push_back(std::move(v)); });
    CHECK_FALSE(seen.back()->crowdsec);
    s.file_loaded({}, {}, 5);
    CHECK(seen.back()->generation == 1);
    CHECK(seen.back()->loaded_at == 5);
}
