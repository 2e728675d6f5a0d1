#pragma once
// Where the Docker Engine API is: providers.docker.endpoint, else $DOCKER_HOST, else the default socket.
// Deliberate difference from Traefik >= 3.6.1: there a non-empty DOCKER_HOST overrides an explicit endpoint
// (moby's FromEnv is applied after WithHost, docker-api.md §3.1); here the flag a user wrote wins, and DOCKER_HOST
// only fills in when no endpoint is configured. The README states this order.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/diagnostic.hpp"

namespace sy::providers::docker {

inline constexpr std::string_view default_endpoint = "unix:///var/run/docker.sock";

struct engine_endpoint {
    enum class transport { unix_socket, tcp } kind = transport::unix_socket;
    std::string path;   ///< unix socket path
    std::string host;   ///< tcp host (no brackets)
    uint16_t port = 0;  ///< tcp port
    bool https = false; ///< "https://" or tcp with providers.docker.tls
    std::string text;   ///< as configured, for messages
};

/// The endpoint string to use: `configured`, else `docker_host_env` (may be null), else the default socket.
std::string choose_endpoint(std::string_view configured, const char* docker_host_env);

/// Parses unix:///path, tcp://host:port, http://host:port, https://host:port ([v6]:port allowed). A tcp endpoint
/// without a port gets 2375 (2376 with TLS), as Docker's CLI does. ssh:// and npipe:// are refused by name.
result<engine_endpoint> parse_endpoint(std::string_view text, bool tls_configured);

}  // namespace sy::providers::docker
