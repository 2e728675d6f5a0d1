#include "providers/file/file_provider.hpp"
#include "sy_catch.hpp"
#include "temp_dir.hpp"

using namespace sy;

TEST_CASE("file load: one YAML file") {
    test::temp_dir dir;
    auto p = dir.write("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:2525"));
    config::file_provider cfg;
    cfg.filename = p.string();
    auto msg = providers::file::load(cfg);
    REQUIRE(msg);
    CHECK(msg->provider == "file");
    REQUIRE(msg->config.routers.count("smtp") == 1);
    CHECK(msg->config.routers.at("smtp").service == "mail");
    CHECK(msg->config.services.at("mail").load_balancer->servers.at(0).address == "127.0.0.1:2525");
}

TEST_CASE("file load: a TOML file") {
    test::temp_dir dir;
    auto p = dir.write("dynamic.toml",
                       "[tcp.routers.imap]\n"
                       "entryPoints = [\"imap\"]\n"
                       "rule = \"HostSNI(`*`)\"\n"
                       "service = \"dovecot\"\n"
                       "[[tcp.services.dovecot.loadBalancer.servers]]\n"
                       "address = \"127.0.0.1:1143\"\n");
    config::file_provider cfg;
    cfg.filename = p.string();
    auto msg = providers::file::load(cfg);
    REQUIRE(msg);
    CHECK(msg->config.routers.count("imap") == 1);
    CHECK(msg->config.services.at("dovecot").load_balancer->servers.size() == 1);
}

TEST_CASE("file load: a directory merges every configuration file, sorted; the first definition wins") {
    test::temp_dir dir;
    dir.write("10-smtp.yaml", test::router_yaml("smtp", "127.0.0.1:1"));
    dir.write("20-imap.yml", test::router_yaml("imap", "127.0.0.1:2"));  // defines "mail" again
    dir.write("sub/30-pop.yml", test::router_yaml("pop", "127.0.0.1:3"));
    dir.write("notes.txt", "not: [configuration");
    dir.write("..data/99-hidden.yml", test::router_yaml("hidden", "127.0.0.1:4"));
    config::file_provider cfg;
    cfg.directory = dir.path.string();
    auto msg = providers::file::load(cfg);
    REQUIRE(msg);
    CHECK(msg->config.routers.size() == 3);
    CHECK(msg->config.routers.count("hidden") == 0);
    CHECK(msg->config.services.at("mail").load_balancer->servers.at(0).address == "127.0.0.1:1");
    bool warned = false;
    for (const auto& f : msg->findings)
        warned |= f.element == config::element_finding::kind::service && f.name == "mail" && !f.is_error;
    CHECK(warned);
}

TEST_CASE("file load: errors name the file") {
    test::temp_dir dir;
    config::file_provider cfg;
    cfg.filename = (dir.path / "missing.yml").string();
    auto msg = providers::file::load(cfg);
    REQUIRE_FALSE(msg);
    CHECK(msg.error().where.find("missing.yml") != std::string::npos);

    auto bad = dir.write("bad.yml", "tcp:\n  routers: [unclosed\n");
    cfg.filename = bad.string();
    msg = providers::file::load(cfg);
    REQUIRE_FALSE(msg);
    CHECK(msg.error().to_string().find("bad.yml") != std::string::npos);

    cfg.filename.clear();
    cfg.directory = (dir.path / "nope").string();
    CHECK_FALSE(providers::file::load(cfg));
}
