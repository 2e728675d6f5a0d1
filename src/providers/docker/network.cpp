#include "providers/docker/network.hpp"

namespace sy::providers::docker {

namespace {

address_choice choose(const container& c, std::string_view network, std::string_view host_address,
                      const container_lookup& others, int depth) {
    address_choice out;
    if (!network.empty()) {
        for (const auto& n : c.networks)
            if (n.name == network) {
                out.ip = n.ip_address;
                return out;
            }
        out.missing_network = true;
        out.note = "network \"" + std::string(network) + "\" is not attached to container \"" + c.name +
                   "\" (is the compose project prefix missing, as in \"<project>_" + std::string(network) + "\"?)";
    }
    if (c.network_mode == "host") {
        out.ip = std::string(host_address);
        return out;
    }
    if (c.network_mode.starts_with("container:")) {
        // The container shares another one's network stack: its address is the other's (Traefik inspects it too).
        std::string_view other_id = std::string_view(c.network_mode).substr(10);
        const container* other = others && depth < 4 ? others(other_id) : nullptr;
        if (!other) {
            out.note = "container \"" + c.name + "\" uses the network of container " + std::string(other_id.substr(0, 12)) +
                       ", which is not known";
            return out;
        }
        auto label = other->labels.find("traefik.docker.network");
        auto inner = choose(*other, label != other->labels.end() ? std::string_view(label->second) : network,
                            host_address, others, depth + 1);
        if (!out.note.empty() && !inner.note.empty()) inner.note = out.note + "; " + inner.note;
        else if (inner.note.empty()) inner.note = out.note;
        inner.missing_network = inner.missing_network || out.missing_network;
        return inner;
    }
    // Deliberate difference from Traefik: it takes the first entry of a Go map iteration, i.e. a random network when
    // several are attached, so the address flips between reloads. Networks are sorted by name here and the first one
    // with an address wins; the choice is logged.
    const network_endpoint* chosen = nullptr;
    int with_address = 0;
    for (const auto& n : c.networks)
        if (!n.ip_address.empty()) {
            ++with_address;
            if (!chosen) chosen = &n;
        }
    if (chosen) {
        out.ip = chosen->ip_address;
        if (with_address > 1) {
            std::string note = "container \"" + c.name + "\" is on " + std::to_string(with_address) +
                               " networks; using \"" + chosen->name + "\" (" + chosen->ip_address +
                               "), the first by name (set traefik.docker.network to choose)";
            out.note = out.note.empty() ? note : out.note + "; " + note;
        }
    }
    return out;
}

bool is_letter_or_digit(unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
}

}  // namespace

address_choice choose_address(const container& c, std::string_view network, std::string_view host_address,
                              const container_lookup& others) {
    return choose(c, network, host_address, others, 0);
}

std::string normalize_name(std::string_view name) {
    std::string out;
    bool gap = false;
    for (unsigned char ch : name) {
        if (!is_letter_or_digit(ch)) {
            gap = true;
            continue;
        }
        if (gap && !out.empty()) out.push_back('-');
        gap = false;
        out.push_back(static_cast<char>(ch));
    }
    return out;
}

std::string default_service_name(const container& c) {
    if (!c.compose_service.empty() && !c.compose_project.empty())
        return normalize_name(c.compose_service + "_" + c.compose_project);
    return normalize_name(c.name);
}

}  // namespace sy::providers::docker
