#pragma once
// One reply or command written whole in one write, for the dialogues before the relay (STARTTLS, Postgres'
// SSLRequest): a reply cut over two segments breaks clients that read it with one recv (OpenSSL s_client), and
// Postfix and Dovecot read a PROXY header with one peek.
#include <string_view>

#include "forwarder/net.hpp"

namespace sy::forwarder {

/// Writes all of `bytes`; false when the peer has gone.
awaitable<bool> write_text(tcp_socket& s, std::string_view bytes);

}  // namespace sy::forwarder
