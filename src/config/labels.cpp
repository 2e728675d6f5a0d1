// Docker labels → TCP dynamic configuration (Traefik: pkg/config/label/label.go, paerser parser/labels_decode.go).
#include "config/labels.hpp"

#include <spdlog/spdlog.h>

#include "base/text.hpp"
#include "config/element_bind.hpp"
#include "config/fields.hpp"
#include "decoder/node.hpp"
#include "decoder/readers.hpp"

namespace sy::config {

namespace {

using kind = element_finding::kind;

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::optional<bool> parse_go_bool(std::string_view v) {
    for (auto y : {"1", "t", "T", "TRUE", "true", "True"})
        if (v == y) return true;
    for (auto n : {"0", "f", "F", "FALSE", "false", "False"})
        if (v == n) return false;
    return std::nullopt;
}

/// The element a label belongs to, from its segments (traefik.tcp.<routers>.<name>...), for findings about keys
/// that never reach the binder.
std::pair<kind, std::string> owner_of(const std::vector<std::string>& segs) {
    // A list index where a name belongs (`services[0]`) names no element.
    if (segs.size() >= 4 && !segs[3].starts_with('[')) {
        if (iequals(segs[2], "routers")) return {kind::router, segs[3]};
        if (iequals(segs[2], "services")) return {kind::service, segs[3]};
        if (iequals(segs[2], "middlewares")) return {kind::middleware, segs[3]};
    }
    return {kind::other, ""};
}

const decoder::node* child_value(const decoder::node* n, std::string_view name) {
    return n ? n->find(name) : nullptr;
}

/// Traefik meanings that are valid but rarely what was meant (traefik-tcp.md §1.1-1.3): warnings on the element.
void surprising_router(const decoder::node& r, std::vector<element_finding>& findings) {
    const decoder::node* tls = r.find("tls");
    if (tls && (!tls->value || tls->value->empty()) && tls->children.size() == 1) {
        const decoder::node* pt = tls->find("passthrough");
        if (pt && pt->value && parse_go_bool(*pt->value) == false)
            findings.push_back({kind::router, r.name, false,
                                "traefik." + decoder::render_key(decoder::key_style::label, "", pt->path) +
                                    "=false turns TLS on for this router (termination), as in Traefik; remove the "
                                    "tls labels for plain TCP"});
    }
    if (const decoder::node* rs = r.find("ruleSyntax"); rs && rs->value && !rs->value->empty())
        findings.push_back({kind::router, r.name, false,
                            "ruleSyntax is deprecated since Traefik v3.4; write the rule in v3 syntax"});
}

void surprising_service(const decoder::node& s, std::vector<element_finding>& findings) {
    const decoder::node* lb = s.find("loadBalancer");
    const decoder::node* pp = child_value(lb, "proxyProtocol");
    if (pp && pp->value && iequals(*pp->value, "true") && !pp->find("version"))
        findings.push_back({kind::service, s.name, false,
                            "proxyProtocol=true sends PROXY protocol version 2 (Traefik's default version)"});
    if (const decoder::node* td = child_value(lb, "terminationDelay"))
        findings.push_back({kind::service, s.name, false,
                            "terminationDelay is deprecated since Traefik v3.0, which reads the number as "
                            "nanoseconds (\"" + td->value.value_or("") + "\" ns); use a serversTransport@file"});
}

void surprising_middleware(const decoder::node& m, std::vector<element_finding>& findings) {
    if (m.find("ipWhiteList"))
        findings.push_back({kind::middleware, m.name, false, "ipWhiteList is deprecated: use ipAllowList"});
}

/// An element whose every label was refused still gets an (empty) entry, so that the runtime builder can show it
/// disabled with its errors instead of the error pointing at nothing (found by fuzzing: `has_tcp` with no element).
template <class M>
void keep_named(M& elements, const std::string& name) {
    for (const auto& [existing, _] : elements)
        if (iequals(existing, name)) return;  // names merge case-insensitively, as Traefik's label keys do
    elements.emplace(name, typename M::mapped_type{});
}

void keep_elements_with_errors(container_labels& out) {
    for (const auto& f : out.findings) {
        if (!f.is_error || f.name.empty()) continue;
        if (f.element == kind::router) keep_named(out.config.routers, f.name);
        if (f.element == kind::service) keep_named(out.config.services, f.name);
        if (f.element == kind::middleware) keep_named(out.config.middlewares, f.name);
    }
}

}  // namespace

container_labels decode_labels(const std::map<std::string, std::string>& labels) {
    container_labels out;
    decoder::node root;  // children of the `traefik` root segment
    size_t other_protocols = 0;

    for (const auto& [key, value] : labels) {
        if (!starts_with_ci(key, "traefik.")) continue;
        if (iequals(key, "traefik.enable")) {
            out.enable = parse_go_bool(value);
            if (!out.enable) {
                // Traefik skips the container (`Skip container`); so do we, saying why.
                out.enable = false;
                out.findings.push_back({kind::other, "", true,
                                        key + ": invalid value \"" + value +
                                            "\": not a boolean (true or false); the container is not routed"});
            }
            continue;
        }
        if (starts_with_ci(key, "traefik.docker.")) {
            std::string_view rest = std::string_view(key).substr(15);
            if (iequals(rest, "network")) {
                out.docker_network = value;
            } else if (iequals(rest, "allownonrunning")) {
                auto b = parse_go_bool(value);
                if (b) out.allow_non_running = *b;
                else
                    out.findings.push_back({kind::other, "", true,
                                            key + ": invalid value \"" + value + "\": not a boolean (true or false)"});
            }
            continue;
        }
        if (starts_with_ci(key, "traefik.http.") || starts_with_ci(key, "traefik.udp.") ||
            starts_with_ci(key, "traefik.tls.")) {
            ++other_protocols;
            continue;
        }
        if (!starts_with_ci(key, "traefik.tcp.")) continue;  // Traefik's filter drops other traefik.* keys too

        auto segs = decoder::split_key(key);
        if (!segs) {
            std::vector<std::string> split;
            for (size_t start = 0;;) {
                size_t dot = key.find('.', start);
                split.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
                if (dot == std::string::npos) break;
                start = dot + 1;
            }
            auto [k, name] = owner_of(split);
            out.findings.push_back({k, name, true, key + ": invalid label: empty segment"});
            continue;
        }
        if ((*segs)[0] != "traefik") {
            // Traefik fails the whole container with `invalid label root`; we drop this label only.
            auto [k, name] = owner_of(*segs);
            out.findings.push_back({k, name, true,
                                    key + ": invalid label root \"" + (*segs)[0] +
                                        "\": labels must start with \"traefik.\" in lower case; label ignored"});
            continue;
        }
        decoder::node& n = root.at(std::span(*segs).subspan(1));
        n.value = value;
        n.origin = key;
    }
    if (other_protocols > 0)
        spdlog::debug("{} HTTP/UDP/TLS-store label(s) ignored: Switchyard routes TCP only", other_protocols);

    const decoder::node* tcp = root.find("tcp");
    if (!tcp) return out;
    const element_source src{decoder::key_style::label, "traefik."};
    for (const auto& section : tcp->children) {
        if (iequals(section.name, "routers")) {
            out.has_tcp = out.has_tcp || !section.children.empty();
            bind_elements(section, out.config.routers, router_schema(), kind::router, src, out.findings);
            for (const auto& r : section.children) surprising_router(r, out.findings);
        } else if (iequals(section.name, "services")) {
            out.has_tcp = out.has_tcp || !section.children.empty();
            bind_elements(section, out.config.services, label_service_schema(), kind::service, src, out.findings);
            for (const auto& s : section.children) surprising_service(s, out.findings);
        } else if (iequals(section.name, "middlewares")) {
            bind_elements(section, out.config.middlewares, middleware_schema(), kind::middleware, src, out.findings);
            for (const auto& m : section.children) surprising_middleware(m, out.findings);
        } else if (iequals(section.name, "serversTransports")) {
            out.findings.push_back({kind::other, "", false,
                                    "traefik." + decoder::render_key(decoder::key_style::label, "", section.path) +
                                        ".*: serversTransports cannot be defined by labels (Traefik ignores them "
                                        "too); define them in a file and refer to name@file"});
        } else {
            std::vector<const decoder::node*> leaves;
            decoder::collect_leaves(section, leaves);
            std::vector<std::string> known{"routers", "services", "middlewares", "serversTransports"};
            std::string best = closest_match(section.name, known);
            std::string where = decoder::render_key(decoder::key_style::label, "traefik.", leaves.front()->path);
            out.findings.push_back(
                {kind::other, "", true,
                 where + ": unknown key" + (best.empty() ? "" : "; did you mean traefik.tcp." + best + "?")});
        }
    }
    keep_elements_with_errors(out);
    // Traefik's trigger for the TCP defaults is a decoded TCP router or service, not any key under traefik.tcp:
    // a label that names no element (`traefik.tcp.services[0]`) is an error of its own and creates nothing.
    out.has_tcp = !out.config.routers.empty() || !out.config.services.empty();
    return out;
}

}  // namespace sy::config
