#include "runtime/docker_gateways.hpp"

#include <algorithm>

namespace sy::runtime {

std::vector<docker_gateway> make_docker_gateways(const std::map<std::string, std::string>& gateways) {
    std::vector<docker_gateway> out;
    for (const auto& [text, network] : gateways)
        if (auto a = parse_ip(text)) out.push_back({unmap(*a), network});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.address < b.address; });
    return out;
}

const docker_gateway* gateway_of(std::span<const docker_gateway> gateways, const ip_address& client) noexcept {
    if (gateways.empty()) return nullptr;
    const ip_address a = unmap(client);
    auto it = std::lower_bound(gateways.begin(), gateways.end(), a,
                               [](const docker_gateway& g, const ip_address& x) { return g.address < x; });
    return it != gateways.end() && it->address == a ? &*it : nullptr;
}

std::string gateway_warning(const docker_gateway& gateway, std::string_view entry_point) {
    const std::string ip = gateway.address.to_string();
    return "entryPoint \"" + std::string(entry_point) + "\": client address " + ip + " is the gateway of Docker network \"" +
           gateway.network +
           "\": the real client's address was lost before Switchyard (IPv6 clients of a published port reach an "
           "IPv4-only network through Docker's userland proxy, docker-mailserver#1405), and the PROXY header "
           "names " + ip + ", which the mail server trusts as a local client. Fix: enable IPv6 on that network "
           "(compose: `enable_ipv6: true` with an IPv6 subnet), or set \"userland-proxy\": false in "
           "/etc/docker/daemon.json. Said once per address.";
}

}  // namespace sy::runtime
