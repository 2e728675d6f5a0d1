#include "api/query.hpp"
#include "api_fixture.hpp"
#include "sy_catch.hpp"

using namespace sy;
using namespace sy::api;
using namespace sy::api::test;
using nlohmann::json;
using runtime::status;

TEST_CASE("read-only: every method but GET and HEAD is 405 with Allow, on API paths and unknown paths alike") {
    fixture f;
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
        for (const char* path : {"/api/tcp/routers", "/api/overview", "/metrics", "/dashboard/", "/nowhere"}) {
            auto r = f.request(method, path);
            CHECK(r.status == 405);
            CHECK(header(r, "Allow") == "GET, HEAD");
            CHECK(body(r)["message"] == std::string("method not allowed: ") + method);
        }
    }
    CHECK(f.request("HEAD", "/api/tcp/routers").status == 200);
}

TEST_CASE("ping: 200 OK, 503 Service Unavailable while shutting down, any method (as Traefik's handler)") {
    fixture f;
    auto ok = f.get("/ping");
    CHECK(ok.status == 200);
    CHECK(ok.body == "OK");
    CHECK(f.request("POST", "/ping").status == 200);
    f.shutting_down = true;
    auto down = f.get("/ping");
    CHECK(down.status == 503);
    CHECK(down.body == "Service Unavailable");
}

TEST_CASE("only the configured endpoints are served on a listener") {
    fixture f;
    f.serve = endpoints{false, false, true, false};
    CHECK(f.get("/ping").status == 200);
    CHECK(f.get("/api/overview").status == 404);
    CHECK(f.get("/metrics").status == 404);
    CHECK(f.get("/dashboard/").status == 404);
    f.serve = endpoints{true, false, false, false};
    CHECK(f.get("/api/overview").status == 200);
    CHECK(f.get("/dashboard/").status == 404);
    CHECK(f.get("/ping").status == 404);
}

TEST_CASE("unknown paths: gorilla/mux's plain 404 page") {
    fixture f;
    for (const char* path : {"/api/nothing", "/api/tcp/routers/", "/api/tcp/routers/a/b", "/favicon.ico"}) {
        auto r = f.get(path);
        CHECK(r.status == 404);
        CHECK(r.body == "404 page not found\n");
    }
}

TEST_CASE("HTTP and UDP endpoints answer empty lists and 404 for any name") {
    fixture f;
    for (const char* path : {"/api/http/routers", "/api/http/services", "/api/http/middlewares", "/api/udp/routers",
                             "/api/udp/services"}) {
        auto r = f.get(path);
        CHECK(r.status == 200);
        CHECK(r.body == "[]\n");
        CHECK(header(r, "X-Next-Page") == "1");
    }
    auto r = f.get("/api/http/routers/x@docker");
    CHECK(r.status == 404);
    CHECK(body(r)["message"] == "router not found: x@docker");
    CHECK(f.get("/api/udp/services/y@file").status == 404);
}

TEST_CASE("bad page or per_page: 400 with Traefik's message") {
    fixture f;
    f.add(router("a@file", "HostSNI(`*`)", status::enabled));
    auto r = f.get("/api/tcp/routers?page=3&per_page=1");
    CHECK(r.status == 400);
    CHECK(body(r)["message"] == "invalid request: page: 3, per_page: 1");
    CHECK(body(f.get("/api/tcp/routers?per_page=abc"))["message"] == "invalid request: per_page: 0");
    CHECK(body(f.get("/api/tcp/routers?page=-2"))["message"] == "invalid request: page: -2");  // Go: Atoi("-2") = -2, refused as <= 0
}

TEST_CASE("router representation: TLS passthrough with domains, effective priority, errors, middlewares") {
    fixture f;
    auto r = router("smtps@docker", "HostSNI(`*`)", status::disabled, "smtps");
    r.config.entry_points = {"smtps", "nope"};
    r.config.middlewares = {"limit@docker"};
    r.config.rule_syntax = "v3";
    r.config.tls = config::router_tls{true, "", "", {{"mail.example.com", {"smtp.example.com"}}}};
    r.priority = -1;
    r.errors = {"entryPoint \"nope\" doesn't exist", "no valid entryPoint for this router"};
    r.using_entry_points = {"smtps"};
    f.add(r);
    CHECK(body(f.get("/api/tcp/routers/smtps@docker")) == json::parse(R"J({
      "entryPoints":["smtps","nope"],"middlewares":["limit@docker"],"service":"smtps","rule":"HostSNI(`*`)",
      "ruleSyntax":"v3","priority":-1,
      "tls":{"passthrough":true,"domains":[{"main":"mail.example.com","sans":["smtp.example.com"]}]},
      "error":["entryPoint \"nope\" doesn't exist","no valid entryPoint for this router"],"status":"disabled",
      "using":["smtps"],"name":"smtps@docker","provider":"docker","priorityStr":"-1"})J"));
}

TEST_CASE("service representation: weighted; load balancer with PROXY protocol, transport, TLS server") {
    fixture f;
    runtime::service_info w;
    w.name = "mix@file";
    w.provider = "file";
    w.config.weighted = config::tcp_weighted{{{"a@file", 3}, {"b@file", std::nullopt}}};
    w.used_by = {"r@file"};
    f.add(w);
    auto lb = service("pp@docker", "172.20.0.5:465", status::enabled, {"smtps@docker"});
    lb.config.load_balancer->servers[0].tls = true;
    lb.config.load_balancer->proxy_protocol = config::proxy_protocol{2};
    lb.config.load_balancer->servers_transport = "pp@file";
    f.add(lb);
    CHECK(body(f.get("/api/tcp/services/mix@file")) == json::parse(R"J({
      "weighted":{"services":[{"name":"a@file","weight":3},{"name":"b@file"}]},"status":"enabled",
      "usedBy":["r@file"],"name":"mix@file","provider":"file","type":"weighted"})J"));
    CHECK(body(f.get("/api/tcp/services/pp@docker")) == json::parse(R"J({
      "loadBalancer":{"servers":[{"address":"172.20.0.5:465","tls":true}],"serversTransport":"pp@file",
      "proxyProtocol":{"version":2}},"status":"enabled","usedBy":["smtps@docker"],
      "serverStatus":{"172.20.0.5:465":"UP"},"name":"pp@docker","provider":"docker","type":"loadbalancer"})J"));
}

TEST_CASE("rawdata: maps keyed by name, without the representation fields; serverStatus on services") {
    fixture f;
    f.add(router("a@file", "HostSNI(`*`)", status::enabled));
    f.add(service("s@file", "127.0.0.1:1", status::enabled, {"a@file"}));
    auto raw = body(f.get("/api/rawdata"));
    CHECK(raw["tcpRouters"]["a@file"] == json::parse(R"J({"entryPoints":["web"],
      "service":"foo-service@myprovider","rule":"HostSNI(`*`)","status":"enabled","using":["web"]})J"));
    CHECK(raw["tcpServices"]["s@file"]["serverStatus"] == json::parse(R"J({"127.0.0.1:1":"UP"})J"));
    CHECK(!raw.contains("tcpMiddlewares"));
    CHECK(!raw.contains("routers"));
}

TEST_CASE("version") {
    fixture f;
    CHECK(body(f.get("/api/version")) ==
          json::parse(R"J({"Version":"0.1.0","Codename":"switchyard","startDate":"2026-11-25T11:45:47Z"})J"));
}

TEST_CASE("metrics: Prometheus text from the registry") {
    fixture f;
    f.statics.prometheus.enabled = true;
    f.counters->entry_point("smtp").shard(0).total = 4;
    auto r = f.get("/metrics");
    CHECK(r.status == 200);
    CHECK(r.content_type.rfind("text/plain; version=0.0.4", 0) == 0);
    CHECK(r.body.find("traefik_entrypoint_connections_total{entrypoint=\"smtp\"} 4\n") != std::string::npos);
}

TEST_CASE("dashboard: / and /dashboard redirect to /dashboard/, which serves the page and its assets") {
    fixture f;
    for (const char* path : {"/", "/dashboard"}) {
        auto r = f.get(path);
        CHECK(r.status == 302);
        CHECK(header(r, "Location") == "/dashboard/");
    }
    auto page = f.get("/dashboard/");
    CHECK(page.status == 200);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK(page.body.find("<script src=\"app.js\">") != std::string::npos);
    CHECK(f.get("/dashboard/app.js").content_type == "text/javascript; charset=utf-8");
    CHECK(f.get("/dashboard/style.css").status == 200);
    CHECK(f.get("/dashboard/nope.js").status == 404);
}

TEST_CASE("query: decoding, first value wins, malformed pairs skipped") {
    auto t = parse_target("/api/tcp/routers?search=a%40b+c&search=zzz&bad=%zz&status=Enabled#frag");
    CHECK(t.path == "/api/tcp/routers");
    CHECK(t.get("search") == "a@b c");
    CHECK(t.get("status") == "Enabled");
    CHECK(t.get("bad").empty());
    CHECK(percent_decode("%2F%20", false) == std::optional<std::string>("/ "));
    CHECK(percent_decode("a+b", false) == std::optional<std::string>("a+b"));
    CHECK(!percent_decode("%4", false));
}

TEST_CASE("filters: status is case-insensitive, search looks in rule and name, case-insensitively") {
    fixture f;
    f.add(router("smtp@docker", "HostSNI(`*`)", status::enabled));
    f.add(router("imaps@docker", "HostSNI(`IMAP.example.com`)", status::disabled));
    auto names = [&](const std::string& q) {
        std::vector<std::string> out;
        for (const auto& e : body(f.get("/api/tcp/routers" + q))) out.push_back(e["name"]);
        return out;
    };
    CHECK(names("?status=DISABLED") == std::vector<std::string>{"imaps@docker"});
    CHECK(names("?search=imap.EXAMPLE") == std::vector<std::string>{"imaps@docker"});
    CHECK(names("?search=SMTP") == std::vector<std::string>{"smtp@docker"});
    CHECK(names("?sortBy=name&direction=desc") == std::vector<std::string>{"smtp@docker", "imaps@docker"});
    CHECK(names("?sortBy=status") == std::vector<std::string>{"imaps@docker", "smtp@docker"});
}

TEST_CASE("pagination arithmetic") {
    target t = parse_target("/x?page=2&per_page=2");
    auto p = paginate(t, 5);
    REQUIRE(p);
    CHECK(p->start == 2);
    CHECK(p->end == 4);
    CHECK(p->next_page == 3);
    auto last = paginate(parse_target("/x?page=3&per_page=2"), 5);
    REQUIRE(last);
    CHECK(last->start == 4);
    CHECK(last->end == 5);
    CHECK(last->next_page == 1);
    auto empty = paginate(parse_target("/x"), 0);
    REQUIRE(empty);
    CHECK(empty->end == 0);
}

TEST_CASE("activity: sampled history per router, service and server, and the recent refusals") {
    fixture f;
    f.counters->router("smtp@file")->shard(0).bytes_in = 10;
    f.counters->server("mail@file", "127.0.0.1:25")->traffic.shard(0).open = 1;
    f.history.sample(*f.counters, std::chrono::system_clock::time_point{} + std::chrono::seconds(1800000000));
    f.counters->refusals_seen.add({std::chrono::system_clock::time_point{} + std::chrono::seconds(1800000001), "smtp",
                                   "127.0.0.2:4000", "", "no_route"});
    auto r = f.get("/api/switchyard/activity");
    REQUIRE(r.status == 200);
    CHECK(body(r) == json::parse(R"J({"interval":"5s","times":[1800000000],
      "routers":{"smtp@file":{"open":[0],"bytesIn":[10],"bytesOut":[0]}},
      "services":{},
      "servers":{"mail@file":{"127.0.0.1:25":{"open":[1],"bytesIn":[0],"bytesOut":[0]}}},
      "refusals":[{"time":1800000001,"entryPoint":"smtp","client":"127.0.0.2:4000","outcome":"no_route"}]})J"));
}
