#pragma once
// ALPN as Go's crypto/tls negotiates it for Traefik (negotiateALPN): the server's order wins; no overlap is a
// no_application_protocol alert, except that an http/1.1 client of an h2-only server connects without ALPN.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sy::tls {

struct alpn_choice {
    enum class kind { none, chosen, refuse } result = kind::none;
    std::string_view protocol;  ///< for `chosen`: a view into `client_wire`
};

/// `client_wire` is the ClientHello's protocol list in wire form (length-prefixed names).
alpn_choice negotiate_alpn(std::span<const std::string> server, std::span<const unsigned char> client_wire);

/// Traefik's default alpnProtocols (pkg/tls/tlsmanager.go DefaultTLSOptions) without acme-tls/1: Switchyard answers
/// no ACME challenge, so offering it would hand a challenge to a backend (deliberate difference).
std::span<const std::string> default_alpn();

}  // namespace sy::tls
