// The file provider's watch loop on a real io_context and real files: in-place writes, rename-replace, a
// ConfigMap-style symlink swap, and a broken file that keeps the last good configuration.
#include <chrono>
#include <mutex>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "providers/file/file_provider.hpp"
#include "providers/file/file_watch.hpp"
#include "sy_catch.hpp"
#include "temp_dir.hpp"

using namespace sy;
using namespace std::chrono_literals;

namespace {

struct harness {
    boost::asio::io_context ioc;
    std::vector<config::provider_message> seen;
    std::ostringstream log;
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();

    harness() {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(log);
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
    }
    ~harness() { spdlog::set_default_logger(previous); }

    void start(config::file_provider cfg) {
        boost::asio::co_spawn(
            ioc, providers::file::run_file_provider(std::move(cfg), [this](config::provider_message m) {
                seen.push_back(std::move(m));
            }),
            boost::asio::detached);
    }

    /// Runs the loop until `done` holds or 5 s pass; returns whether it held.
    template <class Pred>
    bool run_until(Pred done) {
        auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(20ms);
        return done();
    }

    std::string address_of_last(const std::string& router) const {
        const auto& c = seen.back().config;
        if (!c.routers.count(router)) return "(no router " + router + ")";
        return c.services.at(c.routers.at(router).service).load_balancer->servers.at(0).address;
    }
};

}  // namespace

TEST_CASE("file watch: the directory holding the file is watched, and a symlink's target's too") {
    test::temp_dir dir;
    config::file_provider cfg;
    cfg.filename = (dir.path / "dynamic.yml").string();
    auto dirs = providers::file::watched_directories(cfg);
    REQUIRE(dirs.size() == 1);
    CHECK(dirs[0] == dir.path.string());
    dir.write("other/real.yml", "");
    std::filesystem::create_symlink(dir.path / "other/real.yml", dir.path / "link.yml");
    cfg.filename = (dir.path / "link.yml").string();
    CHECK(providers::file::watched_directories(cfg).size() == 2);
}

TEST_CASE("file watch: reload on write in place and on rename-replace; a broken file keeps the last good one") {
    test::temp_dir dir;
    dir.write("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:1001"));
    harness h;
    config::file_provider cfg;
    cfg.filename = (dir.path / "dynamic.yml").string();
    h.start(cfg);
    REQUIRE(h.run_until([&] { return h.seen.size() == 1; }));
    CHECK(h.address_of_last("smtp") == "127.0.0.1:1001");

    dir.write("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:1002"));
    REQUIRE(h.run_until([&] { return h.seen.size() == 2; }));
    CHECK(h.address_of_last("smtp") == "127.0.0.1:1002");

    dir.replace("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:1003"));
    REQUIRE(h.run_until([&] { return h.seen.size() == 3; }));
    CHECK(h.address_of_last("smtp") == "127.0.0.1:1003");

    dir.write("dynamic.yml", "tcp:\n  routers: [unclosed\n");
    REQUIRE(h.run_until([&] { return h.log.str().find("last good configuration") != std::string::npos; }));
    CHECK(h.log.str().find("dynamic.yml") != std::string::npos);
    CHECK(h.seen.size() == 3);

    dir.write("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:1004"));
    REQUIRE(h.run_until([&] { return h.seen.size() == 4; }));
    CHECK(h.address_of_last("smtp") == "127.0.0.1:1004");

    // Touching the file without changing it publishes nothing new.
    dir.write("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:1004"));
    dir.write("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:1005"));
    REQUIRE(h.run_until([&] { return h.seen.size() == 5; }));
    CHECK(h.address_of_last("smtp") == "127.0.0.1:1005");
}

TEST_CASE("file watch: a ConfigMap-style symlink swap is seen") {
    test::temp_dir dir;
    dir.write("..v1/dynamic.yml", test::router_yaml("smtp", "127.0.0.1:2001"));
    std::filesystem::create_directory_symlink("..v1", dir.path / "..data");
    std::filesystem::create_symlink("..data/dynamic.yml", dir.path / "dynamic.yml");
    harness h;
    config::file_provider cfg;
    cfg.filename = (dir.path / "dynamic.yml").string();
    h.start(cfg);
    REQUIRE(h.run_until([&] { return h.seen.size() == 1; }));
    CHECK(h.address_of_last("smtp") == "127.0.0.1:2001");

    dir.write("..v2/dynamic.yml", test::router_yaml("smtp", "127.0.0.1:2002"));
    std::filesystem::create_directory_symlink("..v2", dir.path / "..data_tmp");
    std::filesystem::rename(dir.path / "..data_tmp", dir.path / "..data");
    REQUIRE(h.run_until([&] { return h.seen.size() == 2; }));
    CHECK(h.address_of_last("smtp") == "127.0.0.1:2002");
}

TEST_CASE("file watch: a directory gains and loses files") {
    test::temp_dir dir;
    dir.write("a.yml", test::router_yaml("a", "127.0.0.1:3001"));
    harness h;
    config::file_provider cfg;
    cfg.directory = dir.path.string();
    h.start(cfg);
    REQUIRE(h.run_until([&] { return h.seen.size() == 1; }));
    dir.replace("b.yml",
                "tcp:\n  routers:\n    b:\n      rule: HostSNI(`*`)\n      service: mail\n");
    REQUIRE(h.run_until([&] { return h.seen.size() == 2; }));
    CHECK(h.seen.back().config.routers.size() == 2);
    std::filesystem::remove(dir.path / "a.yml");
    REQUIRE(h.run_until([&] { return h.seen.size() == 3; }));
    CHECK(h.seen.back().config.routers.size() == 1);
    CHECK(h.seen.back().config.routers.count("b") == 1);
}

TEST_CASE("file watch: watch=false loads once and returns") {
    test::temp_dir dir;
    dir.write("dynamic.yml", test::router_yaml("smtp", "127.0.0.1:4001"));
    harness h;
    config::file_provider cfg;
    cfg.filename = (dir.path / "dynamic.yml").string();
    cfg.watch = false;
    h.start(cfg);
    h.ioc.run_for(5s);  // returns as soon as the provider has returned: no work is left
    CHECK(h.seen.size() == 1);
}
