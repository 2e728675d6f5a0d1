#pragma once
// A read-only HTTP/1.1 client for the Docker Engine API (and, through set_identity, the CrowdSec Local API)
// (docker-api.md §1, §4.2): GET only, over a unix socket or TCP (optionally TLS with client certificates from
// providers.docker.tls or providers.swarm.tls). Request/response calls share one keep-alive connection; the /events
// stream gets its own. TCP connections probe with Go's keep-alive timings (base/tcp_keepalive.hpp), as Traefik's
// client does. Beast stays inside engine_client.cpp.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "base/diagnostic.hpp"
#include "base/duration.hpp"
#include "config/static_config.hpp"
#include "providers/docker/endpoint.hpp"

namespace sy::providers::docker {

/// One answer: status, body and the headers the watcher uses.
struct http_answer {
    unsigned status = 0;
    std::string body;
    std::string date;         ///< Date header (the daemon's clock, for `since`)
    std::string api_version;  ///< Api-Version header (the daemon's maximum)
};

class engine_client {
public:
    /// `timeout` bounds each request/response call (connect included); zero means 15 s. The stream's reads are
    /// bounded by the silence each read_stream() call allows. `tls_key` is the configuration key the TLS settings
    /// came from, which errors about them name (the Swarm provider's are providers.swarm.tls).
    engine_client(boost::asio::any_io_executor ex, engine_endpoint ep, std::optional<config::docker_tls> tls,
                  duration timeout, std::string tls_key = "providers.docker.tls");
    ~engine_client();
    engine_client(const engine_client&) = delete;
    engine_client& operator=(const engine_client&) = delete;

    /// GET `target` (path + query). A reused keep-alive connection found closed is retried once on a fresh one
    /// (a socket proxy closes idle connections after ~10 s). Any status is an answer; transport failures are errors.
    boost::asio::awaitable<result<http_answer>> get(std::string target);

    /// Opens the streaming GET on its own connection; returns once a 200 header arrived (else the daemon's message).
    boost::asio::awaitable<result<void>> open_stream(std::string target);

    /// What one read of the stream gave.
    struct stream_read {
        std::string bytes;    ///< the next bytes of the de-chunked body (possibly empty)
        bool silent = false;  ///< nothing arrived for `silence`: the stream is closed, the caller may reopen it
    };
    /// Reads the stream; an error when it ended or broke. There is no body-size limit: Beast's 8 MiB default would
    /// cut a long-lived stream (docker-api.md §4.2). The daemon sends nothing while nothing happens, so silence is
    /// not an error, only a reason to check the daemon is still there (the watcher pings it).
    boost::asio::awaitable<result<stream_read>> read_stream(duration silence);

    /// For other HTTP APIs on this client (the CrowdSec bouncer): the name its messages start with ("docker") and
    /// headers every request carries; a "Host" among them replaces the default ("docker").
    void set_identity(std::string label, std::vector<std::pair<std::string, std::string>> headers);

    /// Closes both connections; pending operations complete with an error.
    void close();

    const engine_endpoint& endpoint() const { return endpoint_; }

private:
    struct impl;
    engine_endpoint endpoint_;
    std::unique_ptr<impl> impl_;
};

}  // namespace sy::providers::docker
