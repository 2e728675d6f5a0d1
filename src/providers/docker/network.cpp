#include "providers/docker/network.hpp"

#include <vector>

namespace sy::providers::docker {

namespace {

address_choice choose(const container& c, std::string_view network, std::string_view host_address,
                      const container_lookup& others, std::string_view network_label, int depth) {
    address_choice out;
    if (!network.empty()) {
        for (const auto& n : c.networks)
            if (n.name == network) {
                out.ip = n.ip_address;
                return out;
            }
        out.missing_network = true;
        out.note = "network \"" + std::string(network) + "\" is not attached to " + c.noun + " \"" + c.name +
                   "\" (is the " + (c.noun == "container" ? "compose project" : "stack") +
                   " prefix missing, as in \"<" + (c.noun == "container" ? "project" : "stack") + ">_" +
                   std::string(network) + "\"?)";
    }
    if (c.network_mode == "host") {
        // Traefik's NodeIP: a Swarm task on the host network is reached at its node's address.
        out.ip = c.node_address.empty() ? std::string(host_address) : c.node_address;
        return out;
    }
    if (c.network_mode.starts_with("container:")) {
        // The container shares another one's network stack: its address is the other's (Traefik inspects it too).
        std::string_view ref = std::string_view(c.network_mode).substr(10);
        container_match match;
        if (!others || depth >= 4)
            match.error = "network modes \"container:\" nest too deep";
        else
            match = others(ref);
        const container* other = match.found;
        if (!other) {
            out.why_none = "it uses the network of container \"" + std::string(ref) + "\": " + match.error;
            out.note = "container \"" + c.name + "\": " + out.why_none;
            return out;
        }
        auto label = other->labels.find(std::string(network_label));
        auto inner = choose(*other, label != other->labels.end() ? std::string_view(label->second) : network,
                            host_address, others, network_label, depth + 1);
        if (!out.note.empty() && !inner.note.empty()) inner.note = out.note + "; " + inner.note;
        else if (inner.note.empty()) inner.note = out.note;
        inner.missing_network = inner.missing_network || out.missing_network;
        if (!inner.why_none.empty()) inner.why_none = "through container \"" + other->name + "\": " + inner.why_none;
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
            std::string note = c.noun + " \"" + c.name + "\" is on " + std::to_string(with_address) +
                               " networks; using \"" + chosen->name + "\" (" + chosen->ip_address +
                               "), the first by name (set " + std::string(network_label) + " to choose)";
            out.note = out.note.empty() ? note : out.note + "; " + note;
        }
    }
    return out;
}

bool is_letter_or_digit(unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
}

}  // namespace

container_match find_container(const std::map<std::string, container>& by_id, std::string_view ref) {
    container_match out;
    if (ref.empty()) {
        out.error = "the reference is empty";
        return out;
    }
    if (auto it = by_id.find(std::string(ref)); it != by_id.end()) {
        out.found = &it->second;
        return out;
    }
    for (const auto& [id, c] : by_id)
        if (c.name == ref) {
            out.found = &c;
            return out;
        }
    std::vector<const container*> prefixed;
    for (const auto& [id, c] : by_id)
        if (id.starts_with(ref)) prefixed.push_back(&c);
    if (prefixed.size() == 1) {
        out.found = prefixed.front();
        return out;
    }
    if (prefixed.empty()) {
        out.error = "no such container";
        return out;
    }
    out.error = "the ID prefix is ambiguous: " + std::to_string(prefixed.size()) + " containers have it (";
    for (size_t i = 0; i < prefixed.size(); ++i)
        out.error += (i ? ", " : "") + prefixed[i]->id.substr(0, 12) + " \"" + prefixed[i]->name + "\"";
    out.error += "); write more of the ID or the name";
    return out;
}

address_choice choose_address(const container& c, std::string_view network, std::string_view host_address,
                              const container_lookup& others, std::string_view network_label) {
    return choose(c, network, host_address, others, network_label, 0);
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
    return normalize_name(c.service_name.empty() ? c.name : c.service_name);
}

}  // namespace sy::providers::docker
