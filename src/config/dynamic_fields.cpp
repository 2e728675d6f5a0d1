// Traefik's TCP dynamic configuration keys (pkg/config/dynamic/tcp_config.go, tcp_middlewares.go, tls/*.go) for the
// file provider and the Docker labels. Labels differ only for services: one `server` instead of `servers`, and the
// fields Traefik tags label:"-" (server address, weighted, serversTransports) are ignored with a warning.
#include "config/dynamic_config.hpp"
#include "config/fields.hpp"

namespace sy::config {

using namespace decoder;

namespace {

const type_desc& proxy_protocol_schema() {
    static const type_desc& d = structure({leaf("version", &proxy_protocol::version)});
    return d;
}

const type_desc& health_check_schema() {
    static const type_desc& d = structure({
        leaf("port", &tcp_health_check::port),
        leaf("send", &tcp_health_check::send),
        leaf("expect", &tcp_health_check::expect),
        leaf("interval", &tcp_health_check::interval),
        leaf("unhealthyInterval", &tcp_health_check::unhealthy_interval),
        leaf("timeout", &tcp_health_check::timeout),
    });
    return d;
}

const type_desc& passive_health_check_schema() {
    static const type_desc& d = structure({
        leaf("maxFailedAttempts", &passive_health_check::max_failed_attempts),
        leaf("failureWindow", &passive_health_check::failure_window),
    });
    return d;
}

/// The load balancer's fields common to files and labels.
std::vector<field> load_balancer_fields() {
    return {
        leaf("serversTransport", &tcp_servers_load_balancer::servers_transport),
        optional("proxyProtocol", &tcp_servers_load_balancer::proxy_protocol, proxy_protocol_schema(), true),
        leaf("terminationDelay", &tcp_servers_load_balancer::termination_delay),
        optional("healthCheck", &tcp_servers_load_balancer::health_check, health_check_schema(), true),
        optional("passiveHealthCheck", &tcp_servers_load_balancer::passive_health_check,
                 passive_health_check_schema(), true),
    };
}

}  // namespace

const type_desc& router_schema() {
    static const type_desc& d = []() -> const type_desc& {
        const auto& domain = structure({
            leaf("main", &tls_domain::main),
            leaf("sans", &tls_domain::sans),
        });
        const auto& tls = structure({
            leaf("passthrough", &router_tls::passthrough),
            leaf("options", &router_tls::options),
            leaf("certResolver", &router_tls::cert_resolver),
            slice("domains", &router_tls::domains, domain),
        });
        return structure({
            leaf("entryPoints", &tcp_router::entry_points),
            leaf("middlewares", &tcp_router::middlewares),
            leaf("service", &tcp_router::service),
            leaf("rule", &tcp_router::rule),
            leaf("ruleSyntax", &tcp_router::rule_syntax),
            leaf("priority", &tcp_router::priority),
            optional("tls", &tcp_router::tls, tls, true),
        });
    }();
    return d;
}

const type_desc& file_service_schema() {
    static const type_desc& d = []() -> const type_desc& {
        const auto& server = structure({
            leaf("address", &tcp_server::address),
            leaf("tls", &tcp_server::tls),
        });
        auto lb_fields = load_balancer_fields();
        lb_fields.push_back(slice("servers", &tcp_servers_load_balancer::servers, server));
        const auto& lb = structure(std::move(lb_fields));
        const auto& ref = structure({
            leaf("name", &weighted_service_ref::name),
            leaf("weight", &weighted_service_ref::weight),
        });
        const auto& weighted = structure({
            slice("services", &tcp_weighted::services, ref),
            // Traefik's empty HealthCheck{}: with it, a child whose servers are all DOWN is skipped. Switchyard always
            // skips such a child, so the key is accepted and changes nothing.
            ignored("healthCheck", "", false, false),
        });
        return structure({
            optional("loadBalancer", &tcp_service::load_balancer, lb, false),
            optional("weighted", &tcp_service::weighted, weighted, false),
        });
    }();
    return d;
}

const type_desc& label_service_schema() {
    static const type_desc& d = []() -> const type_desc& {
        const auto& server = structure({
            leaf("port", &tcp_server::port),
            leaf("tls", &tcp_server::tls),
            ignored("address", "cannot be set by a label (Traefik ignores it too): use server.port", true, false),
        });
        auto lb_fields = load_balancer_fields();
        // `loadbalancer.server.*` is the service's one server (paerser's label-slice-as-struct).
        lb_fields.push_back(field{"server", &server,
                                  [](void* lb) -> void* {
                                      auto& servers = static_cast<tcp_servers_load_balancer*>(lb)->servers;
                                      if (servers.empty()) servers.emplace_back();
                                      return &servers.front();
                                  },
                                  {}});
        const auto& lb = structure(std::move(lb_fields));
        return structure({
            optional("loadBalancer", &tcp_service::load_balancer, lb, false),
            ignored("weighted", "weighted services cannot be defined by labels (Traefik ignores them too): use the "
                                "file provider",
                    true, false),
        });
    }();
    return d;
}

const type_desc& middleware_schema() {
    static const type_desc& d = []() -> const type_desc& {
        const auto& amount = structure({leaf("amount", &in_flight_conn::amount)});
        const auto& allow = structure({leaf("sourceRange", &ip_allow_list::source_range)});
        return structure({
            optional("inFlightConn", &tcp_middleware::in_flight_conn, amount, false),
            optional("ipAllowList", &tcp_middleware::ip_allow_list, allow, false),
            optional("ipWhiteList", &tcp_middleware::ip_white_list, allow, false),
            optional("ipDenyList", &tcp_middleware::ip_deny_list, allow, false),
        });
    }();
    return d;
}

const type_desc& servers_transport_schema() {
    static const type_desc& d = []() -> const type_desc& {
        const auto& tls = structure({
            leaf("serverName", &servers_transport_tls::server_name),
            leaf("insecureSkipVerify", &servers_transport_tls::insecure_skip_verify),
            leaf("rootCAs", &servers_transport_tls::root_cas),
            leaf("peerCertURI", &servers_transport_tls::peer_cert_uri),
            slice("certificates", &servers_transport_tls::certificates, tls_certificate_schema()),
            ignored("spiffe", "not supported by Switchyard, ignored", true, false),
        });
        return structure({
            leaf("dialTimeout", &tcp_servers_transport::dial_timeout),
            signed_duration("dialKeepAlive", &tcp_servers_transport::dial_keep_alive),  // negative: no keep-alive
            signed_duration("terminationDelay", &tcp_servers_transport::termination_delay),  // negative: never closed
            optional("proxyProtocol", &tcp_servers_transport::proxy_protocol, proxy_protocol_schema(), true),
            optional("tls", &tcp_servers_transport::tls, tls, false),
        });
    }();
    return d;
}

const type_desc& tls_options_schema() {
    static const type_desc& d = []() -> const type_desc& {
        const auto& client_auth = structure({
            leaf("caFiles", &tls_client_auth::ca_files),
            leaf("clientAuthType", &tls_client_auth::client_auth_type),
        });
        return structure({
            leaf("minVersion", &tls_options::min_version),
            leaf("maxVersion", &tls_options::max_version),
            leaf("cipherSuites", &tls_options::cipher_suites),
            leaf("curvePreferences", &tls_options::curve_preferences),
            leaf("alpnProtocols", &tls_options::alpn_protocols),
            leaf("sniStrict", &tls_options::sni_strict),
            sub("clientAuth", &tls_options::client_auth, client_auth),
            leaf("disableSessionTickets", &tls_options::disable_session_tickets),
            leaf("preferServerCipherSuites", &tls_options::prefer_server_cipher_suites),
        });
    }();
    return d;
}

const type_desc& tls_store_schema() {
    static const type_desc& d = structure({
        optional("defaultCertificate", &tls_store::default_certificate, tls_certificate_schema(), false),
        ignored("defaultGeneratedCert", "needs an ACME resolver, which Switchyard does not have: ignored", true,
                false),
    });
    return d;
}

const type_desc& tls_certificate_schema() {
    static const type_desc& d = structure({
        leaf("certFile", &tls_certificate::cert_file),
        leaf("keyFile", &tls_certificate::key_file),
        leaf("stores", &tls_certificate::stores),
    });
    return d;
}

}  // namespace sy::config
