#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sy_catch.hpp"
#include "telemetry/access_log.hpp"

using namespace sy::telemetry;
using namespace std::chrono_literals;

namespace {

access_record sample_record() {
    access_record r;
    // 2026-11-25T11:45:47.5Z
    r.start = std::chrono::system_clock::time_point(std::chrono::seconds(1795607147)) + 500ms;
    r.duration = 1234567us;
    r.client = "203.0.113.7:51234";
    r.entry_point = "smtps";
    r.router = "smtps@docker";
    r.service = "mail@docker";
    r.server = "172.20.0.5:465";
    r.sni = "mail.example.com";
    r.bytes_in = 1200;
    r.bytes_out = 34000;
    r.end = outcome::closed;
    return r;
}

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::filesystem::path temp_path(const char* name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("sy-access-log-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir / "access.log";
}

}  // namespace

TEST_CASE("common format: client, time, entrypoint, SNI, end, bytes, router, service, server, duration") {
    CHECK(format_access_record(sample_record(), "common") ==
          "203.0.113.7:51234 - - [25/Nov/2026:11:45:47 +0000] \"TCP smtps mail.example.com\" closed 1200 34000 "
          "\"smtps@docker\" \"mail@docker\" \"172.20.0.5:465\" 1234ms");
}

TEST_CASE("common format: empty fields are dashes") {
    access_record r = sample_record();
    r.router.clear();
    r.service.clear();
    r.server.clear();
    r.sni.clear();
    r.end = outcome::no_route;
    r.bytes_out = 0;
    CHECK(format_access_record(r, "common") ==
          "203.0.113.7:51234 - - [25/Nov/2026:11:45:47 +0000] \"TCP smtps -\" no_route 1200 0 \"-\" \"-\" \"-\" 1234ms");
}

TEST_CASE("json format: Traefik's access-log field names, durations in nanoseconds") {
    CHECK(format_access_record(sample_record(), "json") ==
          "{\"StartUTC\":\"2026-11-25T11:45:47.500000000Z\",\"Duration\":1234567000,"
          "\"ClientAddr\":\"203.0.113.7:51234\",\"ClientHost\":\"203.0.113.7\",\"ClientPort\":\"51234\","
          "\"entryPointName\":\"smtps\",\"RouterName\":\"smtps@docker\",\"ServiceName\":\"mail@docker\","
          "\"ServiceAddr\":\"172.20.0.5:465\",\"TLSServerName\":\"mail.example.com\",\"RequestContentSize\":1200,"
          "\"DownstreamContentSize\":34000,\"End\":\"closed\"}");
}

TEST_CASE("json format: IPv6 client split into host and port; SNI with quotes and control bytes escaped") {
    access_record r = sample_record();
    r.client = "[2001:db8::1]:993";
    r.sni = "a\"b\\c\x01";
    auto line = format_access_record(r, "json");
    CHECK(line.find("\"ClientHost\":\"2001:db8::1\",\"ClientPort\":\"993\"") != std::string::npos);
    CHECK(line.find("\"TLSServerName\":\"a\\\"b\\\\c\\u0001\"") != std::string::npos);
}

TEST_CASE("file sink: one line per record, reopen() after a rename writes to a fresh file") {
    auto path = temp_path("reopen");
    auto log = make_access_log(path.string(), "common");
    log->write(sample_record());
    log->flush();
    CHECK(read_all(path) == format_access_record(sample_record(), "common") + "\n");

    auto rotated = path;
    rotated += ".1";
    std::filesystem::rename(path, rotated);
    log->reopen();
    access_record second = sample_record();
    second.router = "imaps@docker";
    log->write(second);
    log->flush();
    CHECK(read_all(rotated) == format_access_record(sample_record(), "common") + "\n");
    CHECK(read_all(path) == format_access_record(second, "common") + "\n");
    std::filesystem::remove_all(path.parent_path());
}

TEST_CASE("file sink: buffered lines reach the file on flush, and writers on many threads never interleave") {
    auto path = temp_path("threads");
    {
        auto log = make_access_log(path.string(), "json", 1000);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&log] {
                for (int i = 0; i < 250; ++i) log->write(sample_record());
            });
        for (auto& t : threads) t.join();
        log->flush();
        std::ifstream in(path);
        std::string line;
        int lines = 0;
        const std::string expected = format_access_record(sample_record(), "json");
        while (std::getline(in, line)) {
            CHECK(line == expected);
            ++lines;
        }
        CHECK(lines == 1000);
    }
    std::filesystem::remove_all(path.parent_path());
}

TEST_CASE("file sink: the writer thread writes lines out without a flush") {
    auto path = temp_path("writer");
    auto log = make_access_log(path.string(), "common");
    log->write(sample_record());
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (read_all(path).empty() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(5ms);  // polling a file: the writer has no event to offer a test
    CHECK(read_all(path) == format_access_record(sample_record(), "common") + "\n");
    std::filesystem::remove_all(path.parent_path());
}

TEST_CASE("file sink: a stalled output never blocks write(), and destroying the log does not hang") {
    // A FIFO whose reader never reads: the pipe fills after 64 KiB and the writer thread blocks in fwrite.
    std::signal(SIGPIPE, SIG_IGN);  // as main() does: the writer left behind meets a closed pipe later
    auto path = temp_path("stalled");
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    const int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(reader >= 0);
    const auto t0 = std::chrono::steady_clock::now();
    {
        auto log = make_access_log(path.string(), "common");
        for (int i = 0; i < 200'000; ++i) log->write(sample_record());  // ~25 MB: far more than pipe and cap hold
        CHECK(std::chrono::steady_clock::now() - t0 < 10s);
    }  // the destructor gives the stuck writer 2 s, then leaves it behind
    CHECK(std::chrono::steady_clock::now() - t0 < 15s);
    ::close(reader);
    std::filesystem::remove_all(path.parent_path());
}

TEST_CASE("file sink: a path that cannot be opened is a start-up error naming it") {
    try {
        make_access_log("/nonexistent-dir/x/access.log", "common");
        FAIL("no exception");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find("/nonexistent-dir/x/access.log") != std::string::npos);
    }
}
