// Traefik's own expectations for its TCP API (traefik/traefik pkg/api/handler_tcp_test.go, TestHandler_TCP, and the
// golden files pkg/api/testdata/tcp*.json it compares with assert.JSONEq, at v3.7), reproduced on Switchyard's
// route table: the same runtime configuration in, the same JSON documents out, compared as parsed JSON (field by
// field, key order ignored, as JSONEq does), with the same status codes and X-Next-Page headers.
#include "api_fixture.hpp"
#include "sy_catch.hpp"

using namespace sy;
using namespace sy::api::test;
using nlohmann::json;
using runtime::status;

namespace {

/// Traefik's "all TCP routers" configuration.
fixture three_routers() {
    fixture f;
    auto test = router("test@myprovider", "Host(`foo.bar.other`)", status::enabled);
    test.config.tls = config::router_tls{};
    f.add(test);
    f.add(router("bar@myprovider", "Host(`foo.bar`)", status::warning));
    f.add(router("foo@myprovider", "Host(`foo.bar`)", status::disabled));
    return f;
}

fixture three_services() {
    fixture f;
    f.add(service("bar@myprovider", "127.0.0.1:2345", status::enabled, {"foo@myprovider", "test@myprovider"}));
    f.add(service("baz@myprovider", "127.0.0.2:2345", status::warning, {"foo@myprovider"}));
    f.add(service("foz@myprovider", "127.0.0.3:2345", status::disabled, {"foo@myprovider"}));
    return f;
}

void check_list(const sy::api::http_response& r, const char* next_page, const char* golden) {
    CHECK(r.status == 200);
    CHECK(r.content_type == "application/json");
    CHECK(header(r, "X-Next-Page") == next_page);
    CHECK(body(r) == json::parse(golden));
}

}  // namespace

TEST_CASE("golden tcprouters-empty.json: all TCP routers, but no config") {
    fixture f;
    check_list(f.get("/api/tcp/routers"), "1", "[]");
}

TEST_CASE("golden tcprouters.json: all TCP routers") {
    check_list(three_routers().get("/api/tcp/routers"), "1", R"J([
      {"entryPoints":["web"],"name":"bar@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`foo.bar`)","service":"foo-service@myprovider","status":"warning","using":["web"]},
      {"entryPoints":["web"],"name":"foo@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`foo.bar`)","service":"foo-service@myprovider","status":"disabled","using":["web"]},
      {"entryPoints":["web"],"name":"test@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`foo.bar.other`)","service":"foo-service@myprovider","status":"enabled",
       "tls":{"passthrough":false},"using":["web"]}])J");
}

TEST_CASE("golden tcprouters-page2.json: pagination, 1 per page, page 2, X-Next-Page 3") {
    fixture f;
    f.add(router("bar@myprovider", "Host(`foo.bar`)", status::enabled));
    f.add(router("baz@myprovider", "Host(`toto.bar`)", status::enabled));
    f.add(router("test@myprovider", "Host(`foo.bar.other`)", status::enabled));
    check_list(f.get("/api/tcp/routers?page=2&per_page=1"), "3", R"J([
      {"entryPoints":["web"],"name":"baz@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`toto.bar`)","service":"foo-service@myprovider","status":"enabled","using":["web"]}])J");
}

TEST_CASE("golden tcprouters-filtered-status.json: ?status=enabled") {
    check_list(three_routers().get("/api/tcp/routers?status=enabled"), "1", R"J([
      {"entryPoints":["web"],"name":"test@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`foo.bar.other`)","service":"foo-service@myprovider","status":"enabled",
       "tls":{"passthrough":false},"using":["web"]}])J");
}

TEST_CASE("golden tcprouters-filtered-search.json: ?search=bar@my") {
    check_list(three_routers().get("/api/tcp/routers?search=bar@my"), "1", R"J([
      {"entryPoints":["web"],"name":"bar@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`foo.bar`)","service":"foo-service@myprovider","status":"warning","using":["web"]}])J");
}

TEST_CASE("golden tcprouters-filtered-serviceName.json: a service written without @provider still matches") {
    fixture f;
    auto test = router("test@myprovider", "Host(`foo.bar.other`)", status::enabled);
    test.config.tls = config::router_tls{};
    f.add(test);
    f.add(router("bar@myprovider", "Host(`foo.bar`)", status::warning, "foo-service"));
    f.add(router("foo@myprovider", "Host(`foo.bar`)", status::disabled, "bar-service@myprovider"));
    check_list(f.get("/api/tcp/routers?serviceName=foo-service@myprovider"), "1", R"J([
      {"entryPoints":["web"],"name":"bar@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`foo.bar`)","service":"foo-service","status":"warning","using":["web"]},
      {"entryPoints":["web"],"name":"test@myprovider","provider":"myprovider","priorityStr":"0",
       "rule":"Host(`foo.bar.other`)","service":"foo-service@myprovider","status":"enabled","using":["web"],
       "tls":{"passthrough":false}}])J");
}

TEST_CASE("golden tcprouters-filtered-middlewareName.json: ?middlewareName=auth") {
    fixture f;
    auto test = router("test@myprovider", "Host(`foo.bar.other`)", status::enabled);
    test.config.middlewares = {"inflightconn@myprovider"};
    test.config.tls = config::router_tls{};
    f.add(test);
    auto bar = router("bar@myprovider", "Host(`foo.bar`)", status::warning, "foo-service");
    bar.config.middlewares = {"auth", "inflightconn@myprovider"};
    f.add(bar);
    auto foo = router("foo@myprovider", "Host(`foo.bar`)", status::disabled, "bar-service@myprovider");
    foo.config.middlewares = {"inflightconn@myprovider", "auth"};
    f.add(foo);
    auto r = f.get("/api/tcp/routers?middlewareName=auth");
    REQUIRE(r.status == 200);
    auto names = json::array();
    for (const auto& e : body(r)) names.push_back(e["name"]);
    CHECK(names == json::parse(R"J(["bar@myprovider","foo@myprovider"])J"));
    CHECK(body(r)[0]["middlewares"] == json::parse(R"J(["auth","inflightconn@myprovider"])J"));
}

TEST_CASE("golden tcprouter-bar.json and tcprouter-foo-slash-bar.json: one router by (escaped) id") {
    fixture f;
    f.add(router("bar@myprovider", "Host(`foo.bar`)", status::enabled));
    f.add(router("foo / bar@myprovider", "Host(`foo.bar`)", status::enabled));
    auto r = f.get("/api/tcp/routers/bar@myprovider");
    CHECK(r.status == 200);
    CHECK(header(r, "X-Next-Page").empty());
    CHECK(body(r) == json::parse(R"J({"entryPoints":["web"],"name":"bar@myprovider","provider":"myprovider",
      "priorityStr":"0","rule":"Host(`foo.bar`)","service":"foo-service@myprovider","status":"enabled",
      "using":["web"]})J"));
    auto slash = f.get("/api/tcp/routers/foo%20%2F%20bar%40myprovider");
    CHECK(slash.status == 200);
    CHECK(body(slash) == json::parse(R"J({"entryPoints":["web"],"name":"foo / bar@myprovider",
      "provider":"myprovider","priorityStr":"0","rule":"Host(`foo.bar`)","service":"foo-service@myprovider",
      "status":"enabled","using":["web"]})J"));
}

TEST_CASE("one TCP router by id that does not exist, and with no config: 404 with Traefik's message") {
    fixture f;
    f.add(router("bar@myprovider", "Host(`foo.bar`)", status::enabled));
    auto r = f.get("/api/tcp/routers/foo@myprovider");
    CHECK(r.status == 404);
    CHECK(body(r) == json::parse(R"J({"message":"router not found: foo@myprovider"})J"));
    fixture empty;
    empty.snap = nullptr;
    CHECK(empty.get("/api/tcp/routers/bar@myprovider").status == 404);
}

TEST_CASE("golden tcpservices.json and tcpservices-empty.json") {
    fixture f;
    check_list(f.get("/api/tcp/services"), "1", "[]");
    check_list(three_services().get("/api/tcp/services"), "1", R"J([
      {"loadBalancer":{"servers":[{"address":"127.0.0.1:2345"}]},"name":"bar@myprovider","provider":"myprovider",
       "serverStatus":{"127.0.0.1:2345":"UP"},"status":"enabled","type":"loadbalancer",
       "usedBy":["foo@myprovider","test@myprovider"]},
      {"loadBalancer":{"servers":[{"address":"127.0.0.2:2345"}]},"name":"baz@myprovider","provider":"myprovider",
       "serverStatus":{"127.0.0.2:2345":"UP"},"status":"warning","type":"loadbalancer","usedBy":["foo@myprovider"]},
      {"loadBalancer":{"servers":[{"address":"127.0.0.3:2345"}]},"name":"foz@myprovider","provider":"myprovider",
       "serverStatus":{"127.0.0.3:2345":"UP"},"status":"disabled","type":"loadbalancer",
       "usedBy":["foo@myprovider"]}])J");
}

TEST_CASE("golden tcpservices-filtered-status.json, tcpservices-filtered-search.json") {
    check_list(three_services().get("/api/tcp/services?status=enabled"), "1", R"J([
      {"loadBalancer":{"servers":[{"address":"127.0.0.1:2345"}]},"name":"bar@myprovider","provider":"myprovider",
       "serverStatus":{"127.0.0.1:2345":"UP"},"status":"enabled","type":"loadbalancer",
       "usedBy":["foo@myprovider","test@myprovider"]}])J");
    check_list(three_services().get("/api/tcp/services?search=baz@my"), "1", R"J([
      {"loadBalancer":{"servers":[{"address":"127.0.0.2:2345"}]},"name":"baz@myprovider","provider":"myprovider",
       "serverStatus":{"127.0.0.2:2345":"UP"},"status":"warning","type":"loadbalancer",
       "usedBy":["foo@myprovider"]}])J");
}

TEST_CASE("golden tcpservices-page2.json: page 2 of 3 with 1 per page, X-Next-Page 3") {
    fixture f;
    f.add(service("bar@myprovider", "127.0.0.1:2345", status::enabled, {"foo@myprovider", "test@myprovider"}));
    f.add(service("baz@myprovider", "127.0.0.2:2345", status::enabled, {"foo@myprovider"}));
    f.add(service("test@myprovider", "127.0.0.3:2345", status::enabled, {"foo@myprovider", "test@myprovider"}));
    check_list(f.get("/api/tcp/services?page=2&per_page=1"), "3", R"J([
      {"loadBalancer":{"servers":[{"address":"127.0.0.2:2345"}]},"name":"baz@myprovider","provider":"myprovider",
       "serverStatus":{"127.0.0.2:2345":"UP"},"status":"enabled","type":"loadbalancer",
       "usedBy":["foo@myprovider"]}])J");
}

TEST_CASE("golden tcpservice-bar.json; unknown service is a 404") {
    auto f = three_services();
    auto r = f.get("/api/tcp/services/bar@myprovider");
    CHECK(r.status == 200);
    CHECK(body(r) == json::parse(R"J({"loadBalancer":{"servers":[{"address":"127.0.0.1:2345"}]},
      "name":"bar@myprovider","provider":"myprovider","serverStatus":{"127.0.0.1:2345":"UP"},"status":"enabled",
      "type":"loadbalancer","usedBy":["foo@myprovider","test@myprovider"]})J"));
    auto missing = f.get("/api/tcp/services/nono@myprovider");
    CHECK(missing.status == 404);
    CHECK(body(missing) == json::parse(R"J({"message":"service not found: nono@myprovider"})J"));
}

TEST_CASE("golden tcpmiddlewares.json, tcpmiddlewares-page2.json, tcpmiddleware-ipallowlist.json") {
    fixture f;
    f.add(allow_list("ipallowlist1@myprovider", "127.0.0.1/32", {"bar@myprovider", "test@myprovider"}));
    f.add(allow_list("ipallowlist2@myprovider", "127.0.0.2/32", {"test@myprovider"}));
    f.add(allow_list("ipallowlist1@anotherprovider", "127.0.0.1/32", {"bar@myprovider"}));
    check_list(f.get("/api/tcp/middlewares"), "1", R"J([
      {"ipAllowList":{"sourceRange":["127.0.0.1/32"]},"name":"ipallowlist1@anotherprovider",
       "provider":"anotherprovider","status":"enabled","type":"ipallowlist","usedBy":["bar@myprovider"]},
      {"ipAllowList":{"sourceRange":["127.0.0.1/32"]},"name":"ipallowlist1@myprovider","provider":"myprovider",
       "status":"enabled","type":"ipallowlist","usedBy":["bar@myprovider","test@myprovider"]},
      {"ipAllowList":{"sourceRange":["127.0.0.2/32"]},"name":"ipallowlist2@myprovider","provider":"myprovider",
       "status":"enabled","type":"ipallowlist","usedBy":["test@myprovider"]}])J");
    check_list(f.get("/api/tcp/middlewares?page=1&per_page=1"), "2", R"J([
      {"ipAllowList":{"sourceRange":["127.0.0.1/32"]},"name":"ipallowlist1@anotherprovider",
       "provider":"anotherprovider","status":"enabled","type":"ipallowlist","usedBy":["bar@myprovider"]}])J");
    auto one = f.get("/api/tcp/middlewares/ipallowlist1@myprovider");
    CHECK(body(one) == json::parse(R"J({"ipAllowList":{"sourceRange":["127.0.0.1/32"]},
      "name":"ipallowlist1@myprovider","provider":"myprovider","status":"enabled","type":"ipallowlist",
      "usedBy":["bar@myprovider","test@myprovider"]})J"));
    CHECK(f.get("/api/tcp/middlewares/nono@myprovider").status == 404);
}

TEST_CASE("golden overview-empty.json, overview-features.json, overview-dynamic.json (TCP part)") {
    fixture f;
    f.snap = nullptr;
    json expected_empty = json::parse(R"J({"features":{"accessLog":false,"metrics":"","tracing":""},
      "http":{"middlewares":{"errors":0,"total":0,"warnings":0},"routers":{"errors":0,"total":0,"warnings":0},
              "services":{"errors":0,"total":0,"warnings":0}},
      "tcp":{"middlewares":{"errors":0,"total":0,"warnings":0},"routers":{"errors":0,"total":0,"warnings":0},
             "services":{"errors":0,"total":0,"warnings":0}},
      "udp":{"routers":{"errors":0,"total":0,"warnings":0},"services":{"errors":0,"total":0,"warnings":0}}})J");
    CHECK(body(f.get("/api/overview")) == expected_empty);

    f.statics.prometheus.enabled = true;
    json features = expected_empty;
    features["features"]["metrics"] = "Prometheus";
    CHECK(body(f.get("/api/overview")) == features);

    auto d = three_routers();
    d.add(service("bar@myprovider", "127.0.0.1:2345", status::enabled, {}));
    d.add(service("baz@myprovider", "127.0.0.2:2345", status::warning, {}));
    d.add(service("foz@myprovider", "127.0.0.3:2345", status::disabled, {}));
    auto m1 = allow_list("a@myprovider", "127.0.0.1/32", {});
    auto m2 = allow_list("b@myprovider", "127.0.0.1/32", {});
    auto m3 = allow_list("c@myprovider", "127.0.0.1/32", {});
    m3.state = status::disabled;
    d.add(m1);
    d.add(m2);
    d.add(m3);
    auto tcp = body(d.get("/api/overview"))["tcp"];
    CHECK(tcp == json::parse(R"J({"middlewares":{"errors":1,"total":3,"warnings":0},
      "routers":{"errors":1,"total":3,"warnings":1},"services":{"errors":1,"total":3,"warnings":1}})J"));
}

TEST_CASE("overview-providers: Docker and File in Traefik's order") {
    fixture f;
    f.statics.file.enabled = true;
    f.statics.docker.enabled = true;
    CHECK(body(f.get("/api/overview"))["providers"] == json::parse(R"J(["Docker","File"])J"));
}

TEST_CASE("golden entrypoints.json shape: durations as Go strings, proxyProtocol, name") {
    fixture f;
    config::entry_point web;
    web.address = ":80";
    web.grace_timeout = std::chrono::nanoseconds(2);
    web.request_accept_grace_timeout = std::chrono::nanoseconds(1);
    web.read_timeout = std::chrono::nanoseconds(3);
    web.proxy_protocol = config::entry_point_proxy_protocol{
        {*parse_cidr("192.168.1.1"), *parse_cidr("192.168.1.2")}, true};
    f.statics.entry_points["web"] = web;
    auto r = f.get("/api/entrypoints");
    CHECK(header(r, "X-Next-Page") == "1");
    auto ep = body(r)[0];
    CHECK(ep["address"] == ":80");
    CHECK(ep["name"] == "web");
    CHECK(ep["transport"]["lifeCycle"] == json::parse(R"J({"graceTimeOut":"2ns","requestAcceptGraceTimeout":"1ns"})J"));
    CHECK(ep["transport"]["respondingTimeouts"]["readTimeout"] == "3ns");
    CHECK(ep["proxyProtocol"]["insecure"] == true);
    CHECK(ep["proxyProtocol"]["trustedIPs"] == json::parse(R"J(["192.168.1.1/32","192.168.1.2/32"])J"));

    auto bar = f.get("/api/entrypoints/web");
    CHECK(bar.status == 200);
    CHECK(body(bar)["name"] == "web");
    auto missing = f.get("/api/entrypoints/nono");
    CHECK(missing.status == 404);
    CHECK(body(missing) == json::parse(R"J({"message":"entry point not found: nono"})J"));
}

TEST_CASE("the implicit traefik entrypoint appears when api.insecure uses it, with Traefik's defaults") {
    fixture f;
    f.statics.api.enabled = true;
    f.statics.api.insecure = true;
    auto eps = body(f.get("/api/entrypoints"));
    REQUIRE(eps.size() == 1);
    CHECK(eps[0]["name"] == "traefik");
    CHECK(eps[0]["address"] == ":8080");
    CHECK(eps[0]["transport"]["respondingTimeouts"]["readTimeout"] == "1m0s");
    CHECK(eps[0]["transport"]["lifeCycle"]["graceTimeOut"] == "10s");
}
