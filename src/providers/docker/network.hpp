#pragma once
// Which IP address reaches a container (Traefik's getIPAddress, traefik-tcp.md §2.3), and the Traefik name
// normalisation used for default service names. Pure: the host-mode address is resolved by the caller.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "providers/docker/container.hpp"

namespace sy::providers::docker {

/// The container a `container:<ref>` network mode names, or why there is none.
struct container_match {
    const container* found = nullptr;
    std::string error;  ///< set when `found` is null: unknown, empty or ambiguous, naming the candidates
};

/// Docker's own order for a reference (daemon/container.go GetByName): the exact ID, then the exact name, then an
/// ID prefix that only one container has. Pure.
container_match find_container(const std::map<std::string, container>& by_id, std::string_view ref);

/// Finds another container for network mode `container:<ref>` (find_container over the known ones).
using container_lookup = std::function<container_match(std::string_view ref)>;

struct address_choice {
    std::string ip;       ///< empty when none was found
    std::string note;     ///< what was chosen and why, for the log (several networks, configured one missing)
    bool missing_network = false;  ///< the configured network is not attached (Traefik warns and falls through)
    std::string why_none;  ///< why `ip` is empty when the cause is known (network mode `container:` names no one)
};

/// `network`: the traefik.docker.network label, else providers.docker.network, else "".
/// `host_address`: 127.0.0.1, or host.docker.internal's address when that resolves (the caller decides).
/// `network_label`: that label's key under the configured prefix (the other container's, in network mode
/// `container:`, is read too).
address_choice choose_address(const container& c, std::string_view network, std::string_view host_address,
                              const container_lookup& others,
                              std::string_view network_label = "traefik.docker.network");

/// Traefik's provider.Normalize: every run of characters that are neither letters nor digits becomes one '-',
/// leading and trailing runs vanish ("/mail_mailserver_1" → "mail-mailserver-1"). Bytes >= 0x80 (UTF-8) count as
/// letters, where Go asks unicode.IsLetter: the difference only shows on non-ASCII punctuation.
std::string normalize_name(std::string_view name);

/// Traefik's getServiceName: "<compose service>_<compose project>" when both labels are set, else the container
/// name (a Swarm task's: its service's name); normalised.
std::string default_service_name(const container& c);

}  // namespace sy::providers::docker
