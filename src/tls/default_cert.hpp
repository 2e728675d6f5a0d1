#pragma once
// Traefik's generated default certificate (pkg/tls/generate): self-signed RSA-2048, CN "TRAEFIK DEFAULT CERT", one
// DNS name <random>.<random>.traefik.default, valid a year. Served when no certificate matches and the default
// store has no defaultCertificate, so a client that does not check sees a handshake complete, as with Traefik.
#include <memory>

#include "tls/key_pair.hpp"

namespace sy::tls {

/// Made once per process, on first use (an RSA key takes tens of milliseconds), then shared.
std::shared_ptr<const key_pair> generated_default_certificate();

}  // namespace sy::tls
