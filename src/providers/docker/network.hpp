#pragma once
// Which IP address reaches a container (Traefik's getIPAddress, traefik-tcp.md §2.3), and the Traefik name
// normalisation used for default service names. Pure: the host-mode address is resolved by the caller.
#include <functional>
#include <string>
#include <string_view>

#include "providers/docker/container.hpp"

namespace sy::providers::docker {

/// Finds another container by ID, ID prefix or name (for network mode `container:<id>`); null when unknown.
using container_lookup = std::function<const container*(std::string_view id_or_name)>;

struct address_choice {
    std::string ip;       ///< empty when none was found
    std::string note;     ///< what was chosen and why, for the log (several networks, configured one missing)
    bool missing_network = false;  ///< the configured network is not attached (Traefik warns and falls through)
};

/// `network`: the traefik.docker.network label, else providers.docker.network, else "".
/// `host_address`: 127.0.0.1, or host.docker.internal's address when that resolves (the caller decides).
address_choice choose_address(const container& c, std::string_view network, std::string_view host_address,
                              const container_lookup& others);

/// Traefik's provider.Normalize: every run of characters that are neither letters nor digits becomes one '-',
/// leading and trailing runs vanish ("/mail_mailserver_1" → "mail-mailserver-1"). Bytes >= 0x80 (UTF-8) count as
/// letters, where Go asks unicode.IsLetter: the difference only shows on non-ASCII punctuation.
std::string normalize_name(std::string_view name);

/// Traefik's getServiceName: "<compose service>_<compose project>" when both labels are set, else the container
/// name; normalised.
std::string default_service_name(const container& c);

}  // namespace sy::providers::docker
