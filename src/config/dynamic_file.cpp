#include "config/dynamic_file.hpp"

#include "base/text.hpp"
#include "config/element_bind.hpp"
#include "config/fields.hpp"
#include "decoder/readers.hpp"

namespace sy::config {

namespace {

using kind = element_finding::kind;

void unknown(const decoder::node& n, std::span<const std::string> known, std::vector<element_finding>& findings) {
    std::vector<const decoder::node*> leaves;
    decoder::collect_leaves(n, leaves);
    decoder::bind_context ctx{decoder::key_style::file, "", {}, {}, {}};
    std::string best = closest_match(n.name, known);
    std::string what = "unknown key";
    if (!best.empty()) {
        std::vector<std::string> p = n.path;
        p.back() = best;
        what += "; did you mean " + decoder::render_key(decoder::key_style::file, "", p) + "?";
    }
    findings.push_back({kind::other, "", true, ctx.where(*leaves.front()) + ": " + what});
}

}  // namespace

result<decoded_file> decode_dynamic_file(std::string_view text, std::string_view file_name) {
    auto tree = decoder::read_config_file(text, file_name);
    if (!tree) return tree.error();
    decoded_file out;
    const element_source src{decoder::key_style::file, ""};
    static const std::vector<std::string> top{"tcp", "tls", "http", "udp"};
    static const std::vector<std::string> tcp_keys{"routers", "services", "middlewares", "serversTransports"};
    static const std::vector<std::string> tls_keys{"options", "certificates", "stores"};
    for (const auto& section : tree->children) {
        if (iequals(section.name, "http") || iequals(section.name, "udp")) continue;  // Switchyard routes TCP only
        if (iequals(section.name, "tcp")) {
            for (const auto& s : section.children) {
                if (iequals(s.name, "routers"))
                    bind_elements(s, out.config.routers, router_schema(), kind::router, src, out.findings);
                else if (iequals(s.name, "services"))
                    bind_elements(s, out.config.services, file_service_schema(), kind::service, src, out.findings);
                else if (iequals(s.name, "middlewares"))
                    bind_elements(s, out.config.middlewares, middleware_schema(), kind::middleware, src, out.findings);
                else if (iequals(s.name, "serversTransports"))
                    bind_elements(s, out.config.servers_transports, servers_transport_schema(), kind::other, src,
                                  out.findings);
                else
                    unknown(s, tcp_keys, out.findings);
            }
        } else if (iequals(section.name, "tls")) {
            for (const auto& s : section.children) {
                if (iequals(s.name, "options")) {
                    bind_elements(s, out.config.tls.options, tls_options_schema(), kind::other, src, out.findings);
                } else if (iequals(s.name, "certificates")) {
                    decoder::bind_context ctx{decoder::key_style::file, "", {}, {}, {}};
                    decoder::slice_desc<tls_certificate> certs(tls_certificate_schema());
                    certs.bind(s, &out.config.tls.certificates, ctx);
                    add_findings(ctx, kind::other, "", out.findings);
                } else if (iequals(s.name, "stores")) {
                    bind_elements(s, out.config.tls.stores, tls_store_schema(), kind::other, src, out.findings);
                } else {
                    unknown(s, tls_keys, out.findings);
                }
            }
        } else {
            unknown(section, top, out.findings);
        }
    }
    return out;
}

}  // namespace sy::config
