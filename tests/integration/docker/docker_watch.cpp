// docker_watch: runs the Docker provider alone against a daemon and prints every message it pushes as one JSON line
// on stdout, so the integration tests can check the provider against a real dockerd before (and besides) the
// router binary. Flags mirror --providers.docker.*:
//   docker_watch [--endpoint=URL] [--exposedByDefault=false] [--network=N] [--constraints=EXPR] [--watch=false]
//                [--useBindPortIP=true] [--allowEmptyServices=true] [--tls.ca=F --tls.cert=F --tls.key=F]
//                [--tls.insecureSkipVerify=true] [--httpClientTimeout=D]
//                [--eventsSilence=D] (not a key of the router: how long the events stream may be silent, 30s)
// Each line: {"t_ms": <wall clock ms>, "routers": {name: {rule, service, entryPoints}}, "services": {name: [addr..]},
//             "findings": [{"name", "error", "message"}]}. Logs go to stderr.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "providers/docker/docker_provider.hpp"

namespace {

bool flag(std::string_view arg, std::string_view name, std::string& value) {
    if (!arg.starts_with(name) || arg.size() <= name.size() || arg[name.size()] != '=') return false;
    value = std::string(arg.substr(name.size() + 1));
    return true;
}

void print(const sy::config::provider_message& m) {
    nlohmann::json j;
    j["t_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
    j["routers"] = nlohmann::json::object();
    for (const auto& [name, r] : m.config.routers)
        j["routers"][name] = {{"rule", r.rule}, {"service", r.service}, {"entryPoints", r.entry_points}};
    j["services"] = nlohmann::json::object();
    for (const auto& [name, s] : m.config.services) {
        auto servers = nlohmann::json::array();
        if (s.load_balancer)
            for (const auto& server : s.load_balancer->servers) servers.push_back(server.address);
        j["services"][name] = servers;
    }
    j["findings"] = nlohmann::json::array();
    for (const auto& f : m.findings)
        j["findings"].push_back({{"name", f.name}, {"error", f.is_error}, {"message", f.message}});
    std::cout << j.dump() << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
    sy::config::docker_provider cfg;
    cfg.enabled = true;
    auto tls = [&]() -> sy::config::docker_tls& {
        if (!cfg.tls) cfg.tls.emplace();
        return *cfg.tls;
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        std::string v;
        if (flag(a, "--endpoint", v)) cfg.endpoint = v;
        else if (flag(a, "--exposedByDefault", v)) cfg.exposed_by_default = v == "true";
        else if (flag(a, "--network", v)) cfg.network = v;
        else if (flag(a, "--constraints", v)) cfg.constraints = v;
        else if (flag(a, "--watch", v)) cfg.watch = v == "true";
        else if (flag(a, "--useBindPortIP", v)) cfg.use_bind_port_ip = v == "true";
        else if (flag(a, "--allowEmptyServices", v)) cfg.allow_empty_services = v == "true";
        else if (flag(a, "--tls.ca", v)) tls().ca = v;
        else if (flag(a, "--tls.cert", v)) tls().cert = v;
        else if (flag(a, "--tls.key", v)) tls().key = v;
        else if (flag(a, "--tls.insecureSkipVerify", v)) tls().insecure_skip_verify = v == "true";
        else if (flag(a, "--httpClientTimeout", v) || flag(a, "--eventsSilence", v)) {
            auto d = sy::parse_duration(v);
            if (!d) {
                std::cerr << "docker_watch: " << a << ": " << d.error().to_string() << "\n";
                return 2;
            }
            (a.starts_with("--http") ? cfg.http_client_timeout : cfg.events_silence) = *d;
        }
        else {
            std::cerr << "docker_watch: unknown argument " << a << "\n";
            return 2;
        }
    }
    spdlog::set_default_logger(spdlog::stderr_color_mt("docker_watch"));  // stdout carries the messages
    spdlog::set_level(spdlog::level::debug);
    std::fflush(stdout);

    boost::asio::io_context io(1);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { io.stop(); });
    boost::asio::co_spawn(io, sy::providers::docker::run_docker_provider(cfg, print), [&](std::exception_ptr e) {
        if (e) std::cerr << "docker_watch: the provider threw\n";
        io.stop();
    });
    io.run();
    return 0;
}
