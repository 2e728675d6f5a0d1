// The engine client's TLS set-up errors name the configuration key the settings came from: the Swarm provider's
// are providers.swarm.tls.*, not the Docker provider's. Nothing is dialled: a bad file fails before connecting.
#include "providers/docker/engine_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "sy_catch.hpp"

using namespace sy;
using namespace std::chrono_literals;

namespace {

std::string first_error(std::optional<std::string> key, config::docker_tls tls) {
    boost::asio::io_context io;
    providers::docker::engine_endpoint ep;
    ep.kind = providers::docker::engine_endpoint::transport::tcp;
    ep.host = "127.0.0.1";
    ep.port = 1;  // never reached
    ep.https = true;
    ep.text = "tcp://127.0.0.1:1";
    auto client = key ? std::make_unique<providers::docker::engine_client>(io.get_executor(), ep, tls, 1s, *key)
                      : std::make_unique<providers::docker::engine_client>(io.get_executor(), ep, tls, 1s);
    auto f = boost::asio::co_spawn(io, client->get("/_ping"), boost::asio::use_future);
    io.run();
    auto r = f.get();
    REQUIRE_FALSE(r);
    return r.error().to_string();
}

}  // namespace

TEST_CASE("TLS file errors name the provider's own tls key") {
    config::docker_tls missing_ca{"/nonexistent/ca.pem", "", "", false};
    auto swarm = first_error("providers.swarm.tls", missing_ca);
    CHECK(swarm.find("providers.swarm.tls.ca: ") != std::string::npos);
    CHECK(swarm.find("providers.docker") == std::string::npos);
    CHECK(first_error(std::nullopt, missing_ca).find("providers.docker.tls.ca: ") != std::string::npos);

    config::docker_tls missing_cert{"", "/nonexistent/cert.pem", "", true};
    CHECK(first_error("providers.swarm.tls", missing_cert).find("providers.swarm.tls.cert: ") != std::string::npos);
    config::docker_tls missing_key{"", "", "/nonexistent/key.pem", true};
    CHECK(first_error("providers.swarm.tls", missing_key).find("providers.swarm.tls.key: ") != std::string::npos);
}
