#pragma once
// The TCP rule language's public face: compile a rule once per configuration, match it per connection.
// The forwarder sees only this header; the parser and matcher internals stay in rules/.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/address.hpp"
#include "base/diagnostic.hpp"

namespace sy::rules {

enum class syntax { v2, v3 };

/// "v2" → v2; anything else → v3 (as Traefik: only "v2" selects the old syntax). Empty → `fallback`.
syntax syntax_from_string(std::string_view s, syntax fallback = syntax::v3);

/// What is known about a connection when routing it (Traefik's tcpmuxer.ConnData).
struct conn_facts {
    bool tls = false;               ///< a ClientHello was seen
    std::string_view sni;           ///< lower-cased server name; empty when none was sent
    ip_address client_ip;           ///< after a trusted PROXY header
    std::span<const std::string> alpn;  ///< protocols offered in the ClientHello
};

/// A compiled rule: immutable, shared by every worker thread through the routing snapshot.
class compiled_rule {
public:
    virtual ~compiled_rule() = default;
    virtual bool matches(const conn_facts& facts) const = 0;
    /// Why it matched or not, one line per matcher evaluated (for `switchyard rule check --explain`).
    virtual std::vector<std::string> explain(const conn_facts& facts) const = 0;

    /// True when the rule references a host name other than `*` (HostSNI with a domain, or HostSNIRegexp):
    /// such a rule cannot match plain TCP, and is refused on a router without TLS.
    /// Deliberate difference: Traefik checks only the first HostSNI value it finds (so it accepts
    /// HostSNI(`*`) || HostSNI(`a`) and any HostSNIRegexp on a non-TLS router); Switchyard flags every host.
    bool uses_sni_hosts = false;
    /// True when the rule uses ALPN (needs a ClientHello).
    bool uses_alpn = false;
    /// True when the rule is exactly HostSNI(`*`) whatever its spacing (priority -1 by default).
    bool is_catch_all = false;
    /// True when the rule uses ClientIP.
    bool uses_client_ip = false;
    /// The rule as parsed, written back canonically (HostSNI(`a`) || ClientIP(`10.0.0.0/8`)).
    std::string canonical;
};

/// Parses and compiles. Errors have where = "rule" and name the position, with a hint where one helps:
/// `rule: unknown matcher "HostSni2" at 0 (did you mean "HostSNI"?)`.
result<std::shared_ptr<const compiled_rule>> compile(std::string_view rule, syntax s);

/// The error for a router without TLS whose rule names a host (`uses_sni_hosts`), with a hint: plain TCP carries
/// no server name, so only HostSNI(`*`) can be used there. The runtime builder reports it on the router.
std::string non_tls_host_sni_error();

/// Traefik's default priority: the rule's length in bytes, or -1 for a rule that is exactly HostSNI(`*`).
int64_t default_priority(std::string_view rule);

/// The rank of a router within one muxer: Traefik's routes.Less (pkg/muxer/tcp/mux.go).
struct route_rank {
    int64_t priority = 0;   ///< effective priority (explicit, else default_priority)
    std::string_view name;  ///< "name@provider"
};

/// Higher priority first; equal priorities: the provider earlier in Traefik's providers precedence first (docker
/// before file, v3.7); then, where Traefik's order is undefined (sort.Sort over a map), by name, so Switchyard is
/// deterministic.
bool ranks_before(const route_rank& a, const route_rank& b);

}  // namespace sy::rules
