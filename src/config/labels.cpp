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

/// The element a label belongs to, from its segments (<root>.tcp.<routers>.<name>...), for findings about keys
/// that never reach the binder.
std::pair<kind, std::string> owner_of(const std::vector<std::string>& segs) {
    // A list index where a name belongs (`services[0]`), or an empty name (`routers..rule`), names no element.
    if (segs.size() >= 4 && !segs[3].empty() && !segs[3].starts_with('[')) {
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
void surprising_router(const decoder::node& r, const std::string& root, std::vector<element_finding>& findings) {
    const decoder::node* tls = r.find("tls");
    if (tls && (!tls->value || tls->value->empty()) && tls->children.size() == 1) {
        const decoder::node* pt = tls->find("passthrough");
        if (pt && pt->value && parse_go_bool(*pt->value) == false)
            findings.push_back({kind::router, r.name, false,
                                decoder::render_key(decoder::key_style::label, root, pt->path) +
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
/// A finding also takes the element's kept spelling: names merge case-insensitively, the first spelling wins, and
/// a finding on `traefiK.tcp.routers.mail.priority` belongs to the router kept as `Mail` (found by fuzzing too).
template <class M>
void keep_named(M& elements, element_finding& f) {
    for (const auto& entry : elements)
        if (iequals(entry.first, f.name)) {
            f.name = entry.first;
            return;
        }
    if (f.is_error) elements.emplace(f.name, typename M::mapped_type{});
}

void keep_elements_with_errors(container_labels& out) {
    for (auto& f : out.findings) {
        if (f.name.empty()) continue;
        if (f.element == kind::router) keep_named(out.config.routers, f);
        if (f.element == kind::service) keep_named(out.config.services, f);
        if (f.element == kind::middleware) keep_named(out.config.middlewares, f);
    }
}

}  // namespace

std::string label_prefix_problem(std::string_view prefix) {
    if (prefix.empty()) return "must not be empty";
    if (prefix.front() == '.' || prefix.back() == '.' || prefix.find("..") != std::string_view::npos)
        return "invalid value \"" + std::string(prefix) + "\": a label prefix has no empty segment";
    for (char c : prefix) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '.';
        if (!ok)
            return "invalid value \"" + std::string(prefix) + "\": use letters, digits, '-', '_' and '.' only";
    }
    return {};
}

container_labels decode_labels(const std::map<std::string, std::string>& labels, std::string_view prefix) {
    container_labels out;
    decoder::node root;  // children of the root segment(s): `traefik`, or the configured prefix
    size_t other_protocols = 0;
    const std::string root_dot = std::string(prefix) + ".";
    const auto under = [&](std::string_view key, std::string_view rest) {
        return starts_with_ci(key, root_dot) && starts_with_ci(key.substr(root_dot.size()), rest);
    };
    const auto is = [&](std::string_view key, std::string_view rest) {
        return starts_with_ci(key, root_dot) && iequals(key.substr(root_dot.size()), rest);
    };

    for (const auto& label : labels) {
        // Named references, not a structured binding: clang 14 (the fuzz build) cannot capture a binding in a lambda.
        const auto& key = label.first;
        const auto& value = label.second;
        if (!starts_with_ci(key, root_dot)) continue;
        if (is(key, "enable")) {
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
        if (under(key, "docker.") || under(key, "swarm.")) {
            // <prefix>.docker.* for containers (and, deprecated, for Swarm services); <prefix>.swarm.* for services.
            const bool swarm = under(key, "swarm.");
            std::string_view rest = std::string_view(key).substr(root_dot.size() + 6 + (swarm ? 0 : 1));
            (swarm ? out.swarm_keys : out.docker_keys).push_back(key);
            // Structured bindings captured by name: clang 14 (the fuzz build) cannot capture them with [&].
            auto flag = [&out, &key = key, &value = value](bool& into) {
                auto b = parse_go_bool(value);
                if (b) into = *b;
                else
                    out.findings.push_back({kind::other, "", true,
                                            key + ": invalid value \"" + value + "\": not a boolean (true or false)"});
            };
            if (iequals(rest, "network")) (swarm ? out.swarm_network : out.docker_network) = value;
            else if (iequals(rest, "lbswarm")) flag(swarm ? out.swarm_lbswarm : out.docker_lbswarm);
            else if (!swarm && iequals(rest, "allownonrunning")) flag(out.allow_non_running);
            continue;
        }
        if (under(key, "http.") || under(key, "udp.") || under(key, "tls.")) {
            ++other_protocols;
            continue;
        }
        if (!under(key, "tcp.")) continue;  // Traefik's filter drops other traefik.* keys too

        auto segs = decoder::split_key(std::string_view(key).substr(root_dot.size()));
        if (!segs) {
            std::vector<std::string> split{std::string(prefix)};
            for (size_t start = root_dot.size();;) {
                size_t dot = key.find('.', start);
                split.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
                if (dot == std::string::npos) break;
                start = dot + 1;
            }
            auto [k, name] = owner_of(split);
            out.findings.push_back({k, name, true, key + ": invalid label: empty segment"});
            continue;
        }
        segs->insert(segs->begin(), std::string(prefix));  // one segment standing for the whole root
        if (!key.starts_with(root_dot)) {
            // Traefik fails the whole container with `invalid label root`; we drop this label only.
            auto [k, name] = owner_of(*segs);
            out.findings.push_back({k, name, true,
                                    key + ": invalid label root \"" + key.substr(0, prefix.size()) +
                                        "\": labels must start with \"" + root_dot +
                                        "\" written exactly so; label ignored"});
            continue;
        }
        decoder::node& n = root.at(std::span(*segs).subspan(1));
        n.value = value;
        n.origin = key;
    }
    if (other_protocols > 0)
        spdlog::debug("{} HTTP/UDP/TLS-store label(s) ignored: Switchyard routes TCP only", other_protocols);

    // No early return without a `tcp` node: a container whose only TCP label is malformed
    // (`traefik.tcp.routers.rtr.`) still gets that element, disabled with the error, by keep_elements_with_errors.
    static const std::vector<decoder::node> no_sections;
    const decoder::node* tcp = root.find("tcp");
    const element_source src{decoder::key_style::label, root_dot};
    for (const auto& section : tcp ? tcp->children : no_sections) {
        if (iequals(section.name, "routers")) {
            out.has_tcp = out.has_tcp || !section.children.empty();
            bind_elements(section, out.config.routers, router_schema(), kind::router, src, out.findings);
            for (const auto& r : section.children) surprising_router(r, root_dot, out.findings);
        } else if (iequals(section.name, "services")) {
            out.has_tcp = out.has_tcp || !section.children.empty();
            bind_elements(section, out.config.services, label_service_schema(), kind::service, src, out.findings);
            for (const auto& s : section.children) surprising_service(s, out.findings);
        } else if (iequals(section.name, "middlewares")) {
            bind_elements(section, out.config.middlewares, middleware_schema(), kind::middleware, src, out.findings);
            for (const auto& m : section.children) surprising_middleware(m, out.findings);
        } else if (iequals(section.name, "serversTransports")) {
            out.findings.push_back({kind::other, "", false,
                                    decoder::render_key(decoder::key_style::label, root_dot, section.path) +
                                        ".*: serversTransports cannot be defined by labels (Traefik ignores them "
                                        "too); define them in a file and refer to name@file"});
        } else {
            std::vector<const decoder::node*> leaves;
            decoder::collect_leaves(section, leaves);
            std::vector<std::string> known{"routers", "services", "middlewares", "serversTransports"};
            std::string best = closest_match(section.name, known);
            std::string where = decoder::render_key(decoder::key_style::label, root_dot, leaves.front()->path);
            out.findings.push_back(
                {kind::other, "", true,
                 where + ": unknown key" + (best.empty() ? "" : "; did you mean " + root_dot + "tcp." + best + "?")});
        }
    }
    keep_elements_with_errors(out);
    // Traefik's trigger for the TCP defaults is a decoded TCP router or service, not any key under traefik.tcp:
    // a label that names no element (`traefik.tcp.services[0]`) is an error of its own and creates nothing.
    out.has_tcp = !out.config.routers.empty() || !out.config.services.empty();
    return out;
}

}  // namespace sy::config
