#pragma once
// The sockmap data path: once a connection's preamble is written, its two sockets go into the process's socket
// hashes (forwarder/sockmap_program.hpp) and the kernel redirects each side's bytes to the other, so bulk data never
// wakes the worker or crosses into user space. The worker still owns the connection's end: its sockets leave
// Asio's epoll set (Asio would be woken for every redirected skb) for the worker's own set, which asks only for
// EPOLLRDHUP (a FIN) and errors. On a FIN the half-close is propagated once every byte before it has reached the
// other socket's send queue; terminationDelay, resets, bans and shutdown's close work as in the copying relay.
//
// Difference from the copying relay: /metrics counts a spliced connection's bytes when each direction ends, not
// as they move (the bytes never pass through the worker), and its byte counts are TCP_INFO's.
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "forwarder/relay.hpp"
#include "forwarder/sockmap_program.hpp"

namespace sy::forwarder {

struct connection;

/// Which data path the process runs, decided once at start-up from core.dataPath.
struct data_path_choice {
    bool sockmap = false;
    sockmap_maps maps;    ///< loaded when `sockmap`
    std::string summary;  ///< for the log and `switchyard version`: "sockmap" or "copy (why)"
};

/// `wanted` is core.dataPath. copy: never loads anything. auto: sockmap when this process may load it, else copy with the reason.
/// sockmap: the reason is an error (start-up stops: who forces the kernel path wants to know it is not running).
/// The socket hashes hold `capacity` sockets (two per spliced connection; a connection beyond them is copied).
result<data_path_choice> choose_data_path(const std::string& wanted, uint32_t capacity = 65536);

/// Per worker: the epoll set reporting the ends of its spliced connections, watched from the worker's io_context.
class splice_watch {
public:
    /// `immediate`: core.spliceStart=immediate (else fullBuffer).
    splice_watch(net::io_context& io, const sockmap_maps& maps, bool immediate);
    splice_watch(const splice_watch&) = delete;
    splice_watch& operator=(const splice_watch&) = delete;
    ~splice_watch();

    const sockmap_maps& maps() const { return maps_; }
    bool immediate() const { return immediate_; }
    /// Adds `fd` reporting EPOLLRDHUP and errors, edge-triggered, with `tag` (a splice_link and a side).
    bool watch(int fd, uint64_t tag);
    /// Stops watching (the worker stops; its loop would otherwise never run out of work).
    void close();

private:
    void wait();
    void dispatch();

    const sockmap_maps& maps_;
    bool immediate_;
    net::posix::stream_descriptor epoll_;  ///< owns the epoll descriptor
};

/// Moves the connection to the kernel, its bytes so far (`moved`: what the copying relay carried before a switch
/// mid-stream) carried over. The kernel's sockmap reads whole skbs, so a socket must not hold one partly read:
/// `drained` says the caller read each socket until it was empty (relay_link's handoff); otherwise both receive
/// queues must be empty now. False when refused (bytes waiting, the hashes full): nothing changed, the caller relays
/// by copying. True: the sockets are no longer Asio's (closed as Asio objects; the splice owns their descriptors, and
/// ban or shutdown close them through c.track), and connection::relay_done is called once when it ends, as after
/// the copying relay. The caller has no operation pending on either socket and no byte read but not written.
bool start_splice(connection& c, const relay_link::counter_set& counters, const relay_result& moved = {},
                  bool drained = false);

/// relay_link's handoff (core.spliceStart=fullBuffer): start_splice for the connection that owns the relay.
bool splice_handoff(void* connection, const relay_link::counter_set& counters, const relay_result& so_far);

}  // namespace sy::forwarder
