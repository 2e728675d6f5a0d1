#pragma once
// The kernel half of the sockmap data path (forwarder/splice_sockmap.hpp): two socket hashes and an sk_skb verdict
// program, created once per process with bpf(2) directly.
//
// Why no libbpf and no ELF object: the program is fourteen instructions (sockmap_program.cpp lists them with what
// each does), and libbpf would bring libbpf, libelf and zlib into a FROM-scratch image of 13.6 MiB for a loader we
// use once. The instructions are the ones `clang -target bpf -O2` emits for the C in the comment there.
#include <cstdint>
#include <string>

#include "base/diagnostic.hpp"

namespace sy::forwarder {

/// The process's maps and program. Each socket of a spliced connection is in both hashes:
///  - `verdict`: keyed by the socket's own cookie; membership runs the verdict program on every skb it receives.
///  - `target`: keyed by the cookie of the *other* socket; the verdict looks its own cookie up here and redirects
///    the skb to the egress of what it finds, so each side's bytes are sent on the other without a copy to user
///    space.
/// A socket leaves both hashes by itself when it is closed.
struct sockmap_maps {
    int verdict = -1;
    int target = -1;
    int program = -1;
    uint32_t capacity = 0;  ///< sockets each hash holds
};

/// Creates the hashes, loads the verdict program and attaches it. The error says which step failed and why
/// (EPERM: no CAP_BPF/CAP_NET_ADMIN, a seccomp profile; EINVAL: a kernel without sockmap or the verifier's
/// complaint). The test seam SWITCHYARD_TEST_SOCKMAP_FAIL=<step> makes that step fail as the kernel would (EPERM).
result<sockmap_maps> load_sockmap(uint32_t capacity);

/// Closes what load_sockmap opened.
void unload_sockmap(sockmap_maps& maps);

/// Splices `client` and `backend` (connected TCP sockets) in the kernel: both into `target` (each under the other's
/// cookie), then both into `verdict`, so no skb is ever redirected to a socket not yet in `target`. On failure
/// nothing stays in the maps and the error names the step; the sockets are then as they were (the copying relay
/// can carry on with them).
result<void> splice_pair(const sockmap_maps& maps, int client, int backend);

}  // namespace sy::forwarder
