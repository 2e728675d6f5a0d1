#include <string>

#include "sy_catch.hpp"
#include "telemetry/prometheus.hpp"

using namespace sy::telemetry;

namespace {
bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}
}  // namespace

TEST_CASE("prometheus: entrypoint, router, service, server and outcome families with their values") {
    registry reg(2);
    auto& ep = reg.entry_point("smtp");
    ep.shard(0).open = 1;
    ep.shard(1).open = 1;  // shards are summed
    ep.shard(0).total = 7;
    ep.shard(1).bytes_in = 100;
    ep.shard(0).bytes_out = 2000;
    reg.router("smtp@docker")->shard(0).total = 5;
    reg.service("mail@docker")->shard(1).open = 1;
    reg.server("mail@docker", "172.20.0.5:25")->connect_failures = 3;
    reg.server("mail@docker", "172.20.0.5:25")->proxy_headers_sent = 4;
    reg.server("mail@docker", "172.20.0.5:25")->traffic.shard(1).bytes_in = 7;
    reg.outcomes("smtp").shard(0).by[static_cast<size_t>(outcome::no_route)] = 5;
    reg.outcomes("smtp").shard(1).by[static_cast<size_t>(outcome::no_route)] = 4;
    reg.reloads_total = 2;
    reg.last_reload_success_unix = 1795607147;

    sy::config::prometheus_config opts;
    opts.enabled = true;
    std::string text = render_prometheus(reg, opts);

    CHECK(has_line(text, "# TYPE traefik_entrypoint_open_connections gauge"));
    CHECK(has_line(text, "traefik_entrypoint_open_connections{entrypoint=\"smtp\"} 2"));
    CHECK(has_line(text, "# TYPE traefik_entrypoint_connections_total counter"));
    CHECK(has_line(text, "traefik_entrypoint_connections_total{entrypoint=\"smtp\"} 7"));
    CHECK(has_line(text, "traefik_entrypoint_bytes_received_total{entrypoint=\"smtp\"} 100"));
    CHECK(has_line(text, "traefik_entrypoint_bytes_sent_total{entrypoint=\"smtp\"} 2000"));
    CHECK(has_line(text, "traefik_tcp_router_connections_total{router=\"smtp@docker\"} 5"));
    CHECK(has_line(text, "traefik_tcp_service_open_connections{service=\"mail@docker\"} 1"));
    CHECK(has_line(text,
                   "traefik_tcp_service_server_connect_failures_total{service=\"mail@docker\",server=\"172.20.0.5:25\"} 3"));
    CHECK(has_line(text, "traefik_tcp_service_server_proxy_headers_sent_total{service=\"mail@docker\","
                         "server=\"172.20.0.5:25\"} 4"));
    CHECK(has_line(text, "switchyard_entrypoint_connections_ended_total{entrypoint=\"smtp\",outcome=\"no_route\"} 9"));
    // Every outcome has its series from the start.
    for (size_t i = 0; i < outcome_count; ++i)
        CHECK(has_line(text, "switchyard_entrypoint_connections_ended_total{entrypoint=\"smtp\",outcome=\"" +
                                 std::string(to_string(static_cast<outcome>(i))) + "\"} " +
                                 (static_cast<outcome>(i) == outcome::no_route ? "9" : "0")));
    CHECK(has_line(text, "traefik_config_reloads_total 2"));
    CHECK(has_line(text, "traefik_config_last_reload_success 1795607147"));
    CHECK(text.back() == '\n');
}

TEST_CASE("prometheus: every sample line belongs to a family declared by a TYPE line before it") {
    registry reg;
    reg.entry_point("a");
    reg.router("r@file");
    reg.service("s@file");
    reg.server("s@file", "127.0.0.1:1");
    reg.outcomes("a");
    std::string text = render_prometheus(reg, {});
    std::string declared;
    size_t pos = 0;
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.rfind("# TYPE ", 0) == 0) {
            declared = line.substr(7, line.find(' ', 7) - 7);
        } else if (line.rfind("#", 0) != 0) {
            auto name = line.substr(0, line.find_first_of("{ "));
            CHECK(name == declared);
        }
    }
}

TEST_CASE("prometheus: addRoutersLabels=false drops the router families; label values are escaped") {
    registry reg;
    reg.router("r@file");
    reg.service("we\"ird\\name\n@file");
    sy::config::prometheus_config opts;
    opts.add_routers_labels = false;
    std::string text = render_prometheus(reg, opts);
    CHECK(text.find("traefik_tcp_router_") == std::string::npos);
    CHECK(has_line(text, "traefik_tcp_service_open_connections{service=\"we\\\"ird\\\\name\\n@file\"} 0"));
}
