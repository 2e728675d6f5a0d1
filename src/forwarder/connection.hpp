#pragma once
// One client connection from accept to close, on the heap. The phases (forwarder/phases.hpp, one coroutine) route
// it; then the relay embedded in it takes over and the coroutine ends, so an idle connection holds only this
// object, its two sockets' reactor entries and two pending waits. Its destructor keeps the gauges and shutdown
// tracking right however the connection ends; finish() writes its access record and counts its outcome.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "forwarder/middleware_gate.hpp"
#include "forwarder/net.hpp"
#include "forwarder/relay.hpp"
#include "forwarder/worker_context.hpp"
#include "telemetry/outcome.hpp"
#include "wire/proxy_protocol.hpp"

namespace sy::forwarder {

class tls_session;
class tls_relay;

struct connection {
    connection(worker_context& wk, listener& lk, tcp_socket&& cl, std::shared_ptr<worker_view> v);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection();

    enum class gauge_slot { entry_point, router, service, server };
    /// Counts the connection as open on a block until it ends.
    void count_open(gauge_slot slot, telemetry::traffic_counters* c);
    /// Drops the route, its server connection, gauges and inFlightConn slots, for a connection that is routed
    /// again (relay-first SMTP rerouted by the SNI after STARTTLS). Totals already counted stay counted.
    void leave_route();
    /// No longer open on that block (a dial that failed before the retry on another server).
    void release_open(gauge_slot slot);
    /// This worker's shard of a block (null for a null block).
    telemetry::traffic_shard* shard_of(telemetry::traffic_counters* c) const { return c ? &c->shard(w.index) : nullptr; }

    /// Writes the access record (its strings are built only now), counts the outcome, and deletes `c`.
    static void finish(connection* c, const relay_result& moved);
    /// The relay's completion: the outcome from how it ended, then finish().
    static void relay_done(void* owner, const relay_result& moved);

    worker_context& w;
    listener& l;
    tcp_socket client;
    tcp_socket backend;
    tracked_connection track;
    telemetry::gauge* gauges[4] = {nullptr, nullptr, nullptr, nullptr};
    /// A connection keeps the view it started with: routes removed later stay valid while it lives.
    std::shared_ptr<worker_view> view;
    const runtime::entry_point_table* table = nullptr;  ///< in view->snap; null = no routes on this entrypoint
    wire::endpoint source;                       ///< the client: accept()'s peer, or a trusted PROXY header's
    std::optional<wire::endpoint> destination;   ///< from a PROXY header; else looked up only if a header is sent
    telemetry::outcome outcome = telemetry::outcome::closed;
    const runtime::route* route = nullptr;
    const runtime::service_plan* service = nullptr;
    const runtime::service_plan* leaf = nullptr;  ///< the load balancer that owns `server`
    const runtime::server_plan* server = nullptr;
    std::string sni;
    in_flight_slots slots;
    uint64_t first_bytes = 0;        ///< client bytes forwarded before the relay (with the PROXY header, or relay-first)
    uint64_t first_bytes_out = 0;    ///< server bytes forwarded to the client before the relay (relay-first SMTP)
    bool backend_untouched = false;  ///< see relay_link::start
    std::chrono::system_clock::time_point started_wall = std::chrono::system_clock::now();
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    relay_link link;
    /// TLS only: the OpenSSL session with the client (terminated here, phase_tls.cpp) and with the backend
    /// (serversTransport tls, phase_backend_tls.cpp), and the relay that decrypts and encrypts. A plaintext
    /// connection pays three null pointers for them.
    std::unique_ptr<tls_session> tls;
    std::unique_ptr<tls_session> backend_tls;
    std::unique_ptr<tls_relay> tls_link;
};

/// "ip:port" / "[ip]:port" of a wire endpoint (logs and access records).
std::string format_endpoint(const wire::endpoint& e);

}  // namespace sy::forwarder
