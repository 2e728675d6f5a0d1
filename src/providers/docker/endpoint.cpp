#include "providers/docker/endpoint.hpp"

#include "base/address.hpp"

namespace sy::providers::docker {

std::string choose_endpoint(std::string_view configured, const char* docker_host_env) {
    if (!configured.empty()) return std::string(configured);
    if (docker_host_env && *docker_host_env) return docker_host_env;
    return std::string(default_endpoint);
}

result<engine_endpoint> parse_endpoint(std::string_view text, bool tls_configured) {
    const std::string where = "providers.docker.endpoint";
    engine_endpoint ep;
    ep.text = std::string(text);
    auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos)
        return diagnostic{where, "\"" + ep.text + "\" has no scheme; use unix:///path or tcp://host:port"};
    std::string_view scheme = text.substr(0, scheme_end), rest = text.substr(scheme_end + 3);
    if (scheme == "unix") {
        if (rest.empty() || rest.front() != '/')
            return diagnostic{where, "\"" + ep.text + "\": a unix endpoint needs an absolute path (unix:///var/run/docker.sock)"};
        ep.path = std::string(rest);
        return ep;
    }
    if (scheme != "tcp" && scheme != "http" && scheme != "https")
        return diagnostic{where, "\"" + ep.text + "\": scheme \"" + std::string(scheme) +
                                     "\" is not supported (unix, tcp, http, https)"};
    ep.kind = engine_endpoint::transport::tcp;
    ep.https = scheme == "https" || tls_configured;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
    bool has_port = !rest.empty() && (rest.back() != ']') && rest.rfind(':') != std::string_view::npos &&
                    (rest.front() != '[' || rest.rfind("]:") != std::string_view::npos);
    std::string with_port = std::string(rest);
    if (!has_port) with_port += ep.https ? ":2376" : ":2375";
    auto hp = parse_host_port(with_port);
    if (!hp || hp->host.empty()) return diagnostic{where, "\"" + ep.text + "\": expected tcp://host:port"};
    ep.host = hp->host;
    ep.port = hp->port;
    return ep;
}

}  // namespace sy::providers::docker
