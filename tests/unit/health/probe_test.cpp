// One probe against real loopback servers: what it sends (a PROXY header without a client first when the service
// sends PROXY protocol), what it accepts, and that it says goodbye once a greeting was read.
#include "health/probe.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "sy_catch.hpp"

using namespace sy;
using namespace std::chrono_literals;

namespace {

/// A one-connection server on 127.0.0.1: reads `header_bytes`, sends `greeting`, then records what it receives
/// until EOF (answering `reply` to the first line after the greeting), within 5 s.
struct one_shot_server {
    int fd = -1;
    uint16_t port = 0;
    std::thread thread;
    std::promise<std::string> header, rest;

    one_shot_server(size_t header_bytes, std::string greeting, std::string reply = "") {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 4) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        thread = std::thread([this, header_bytes, greeting, reply] {
            int c = ::accept(fd, nullptr, nullptr);
            timeval tv{5, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            std::string h(header_bytes, '\0');
            size_t got = 0;
            while (got < header_bytes) {
                ssize_t n = ::recv(c, h.data() + got, header_bytes - got, 0);
                if (n <= 0) break;
                got += static_cast<size_t>(n);
            }
            h.resize(got);
            header.set_value(h);
            if (!greeting.empty()) ::send(c, greeting.data(), greeting.size(), MSG_NOSIGNAL);
            std::string r;
            char buf[256];
            for (;;) {
                ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                r.append(buf, static_cast<size_t>(n));
                if (!reply.empty() && r.find('\n') != std::string::npos) {
                    ::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
                    break;  // the server closes first, as Postfix does after 221
                }
            }
            rest.set_value(r);
            ::close(c);
        });
    }
    ~one_shot_server() {
        if (thread.joinable()) thread.join();
        ::close(fd);
    }
};

runtime::probe_target target(uint16_t port, std::string send, std::string expect, int pp = 0) {
    runtime::probe_target t;
    t.address = t.host = "127.0.0.1";
    t.port = port;
    t.check.send = std::move(send);
    t.check.expect = std::move(expect);
    t.check.timeout = 2s;
    t.proxy_protocol_version = pp;
    return t;
}

health::probe_result run(const runtime::probe_target& t) {
    boost::asio::io_context ctx;
    auto f = boost::asio::co_spawn(ctx, health::probe_once(t), boost::asio::use_future);
    ctx.run();
    return f.get();
}

}  // namespace

TEST_CASE("probe: a PROXY listener gets a v2 LOCAL header first, an SMTP greeting gets QUIT") {
    one_shot_server s(16, "220 mail.a.test ESMTP\r\n", "221 2.0.0 Bye\r\n");
    auto r = run(target(s.port, "", "220", 2));
    CHECK(r.ok);
    const std::string header = s.header.get_future().get();
    CHECK(header == std::string("\r\n\r\n\0\r\nQUIT\n\x20\0\0\0", 16));
    CHECK(s.rest.get_future().get() == "QUIT\r\n");
}

TEST_CASE("probe: v1 sends PROXY UNKNOWN; IMAP's greeting gets LOGOUT; `send` goes after the header") {
    one_shot_server s(15, "* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", "* BYE\r\nA1 OK\r\n");
    auto r = run(target(s.port, "", "* OK", 1));
    CHECK(r.ok);
    CHECK(s.header.get_future().get() == "PROXY UNKNOWN\r\n");
    CHECK(s.rest.get_future().get() == "A1 LOGOUT\r\n");

    one_shot_server c(4, "");  // a client-first protocol: the probe speaks, the server only listens
    auto sent = run(target(c.port, "PING", ""));
    CHECK(sent.ok);
    CHECK(c.header.get_future().get() == "PING");
}

TEST_CASE("probe: a greeting that does not start with `expect`, a refused port, a silent server") {
    one_shot_server s(0, "421 too busy\r\n");
    auto r = run(target(s.port, "", "220"));
    CHECK_FALSE(r.ok);
    CHECK(r.why.find("unexpected health check response") != std::string::npos);
    CHECK(r.why.find("421 too busy\\r\\n") != std::string::npos);

    one_shot_server gone(0, "");
    const uint16_t closed_port = gone.port;
    {
        int c = ::socket(AF_INET, SOCK_STREAM, 0);  // let the server's one accept happen, then free the port
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(closed_port);
        ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::close(c);
    }
    gone.thread.join();
    ::close(gone.fd);
    gone.fd = -1;
    auto refused = run(target(closed_port, "", "220"));
    CHECK_FALSE(refused.ok);
    CHECK(refused.why.find("connecting to 127.0.0.1:") != std::string::npos);

    one_shot_server silent(0, "");
    auto t = target(silent.port, "", "220");
    t.check.timeout = 300ms;
    const auto started = std::chrono::steady_clock::now();
    auto quiet = run(t);
    CHECK_FALSE(quiet.ok);
    CHECK(quiet.why.find("no answer within 300ms") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < 2s);
}

TEST_CASE("probe: goodbyes by greeting, printable bytes") {
    CHECK(health::goodbye_for("220 x") == "QUIT\r\n");
    CHECK(health::goodbye_for("+OK Dovecot ready.") == "QUIT\r\n");
    CHECK(health::goodbye_for("* OK ready") == "A1 LOGOUT\r\n");
    CHECK(health::goodbye_for("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"") == "LOGOUT\r\n");
    CHECK(health::goodbye_for("SSH-2.0").empty());
    CHECK(health::printable("a\r\n\x01", 40) == "a\\r\\n\\x01");
    CHECK(health::printable("abcdef", 3) == "abc...");
}

TEST_CASE("probe: a greeting is read to its end before the goodbye (postscreen's pregreet test)") {
    CHECK_FALSE(health::greeting_complete("220-mail.a.test ESMTP\r\n"));
    CHECK_FALSE(health::greeting_complete("220 mail.a.test ESMTP"));
    CHECK(health::greeting_complete("220-mail.a.test ESMTP\r\n220 mail.a.test ESMTP\r\n"));
    CHECK(health::greeting_complete("* OK ready\r\n"));
    CHECK(health::greeting_complete("+OK Dovecot ready.\r\n"));
    CHECK_FALSE(health::greeting_complete("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto\"\r\n"));
    CHECK(health::greeting_complete("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\nOK \"ready.\"\r\n"));

    // postscreen sends "220-" and waits to see whether the client talks first: the probe passes on that line
    // and, the greeting never ending, leaves after its politeness bound without a word.
    // The result is there at once: the goodbye's wait (1 s here) never delays a state change.
    one_shot_server s(0, "220-mail.a.test ESMTP\r\n", "221 Bye\r\n");
    boost::asio::io_context ctx;
    const auto t = target(s.port, "", "220");  // probe_once holds it by reference
    auto f = boost::asio::co_spawn(ctx, health::probe_once(t), boost::asio::use_future);
    const auto started = std::chrono::steady_clock::now();
    while (f.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() - started < 5s)
        ctx.run_one_for(50ms);
    const auto answered = std::chrono::steady_clock::now() - started;
    REQUIRE(f.wait_for(0s) == std::future_status::ready);
    CHECK(f.get().ok);
    CHECK(answered < 700ms);
    ctx.run();  // the goodbye's bound
    CHECK(std::chrono::steady_clock::now() - started >= 900ms);
    CHECK(s.rest.get_future().get().empty());
}
