#pragma once
// Everything TLS termination needs from the dynamic configuration (Traefik's tls.Manager.UpdateConfigs): the
// certificates of `tls.certificates` and the default store, loaded and checked; every `tls.options` entry made
// ready; what each certificate is for, and what went wrong with it, for the API. Built once per configuration
// change, with the routing snapshot, and immutable afterwards: a handshake uses the setup of the snapshot its
// connection started with, so a change applies to new handshakes and established sessions go on untouched.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/dynamic_config.hpp"
#include "tls/acme_json.hpp"
#include "tls/cert_store.hpp"
#include "tls/client_side.hpp"
#include "tls/pem_source.hpp"
#include "tls/server_side.hpp"

namespace sy::tls {

/// A certificate as the API shows it (/api/switchyard/tls/certificates).
struct certificate_info {
    std::string source;  ///< "certFile /etc/certs/mail.crt", "inline PEM", "acme.json /data/acme.json (le)"
    std::string key_kind;
    std::vector<std::string> names;
    std::string subject;
    std::chrono::system_clock::time_point not_after{};
    bool is_default = false;    ///< the default store's defaultCertificate (or the generated one)
    bool generated = false;     ///< Traefik's generated default certificate
    std::string state = "enabled";  ///< enabled, warning (expires soon, expired), disabled (not loaded)
    std::vector<std::string> errors;
};

/// How long before expiry a certificate is warned about.
inline constexpr auto expiry_warning = std::chrono::hours(24 * 30);

struct setup {
    std::shared_ptr<const certificate_store> store;
    std::map<std::string, std::shared_ptr<const server_side>> options;  ///< only the entries without errors
    std::map<std::string, std::vector<std::string>> option_errors;      ///< by option name
    std::map<std::string, std::vector<std::string>> option_warnings;
    std::vector<certificate_info> certificates;
    /// Problems with the default certificate: every terminating router carries them as a warning.
    std::vector<std::string> default_problems;
    /// TLS toward backends: by serversTransport name (qualified), and "" for servers whose service names no
    /// transport with tls (system roots, the address's host). Only the transports without errors.
    std::map<std::string, std::shared_ptr<const client_side>> transports;
    std::map<std::string, std::vector<std::string>> transport_errors;
    std::vector<file_stamp> files;  ///< every file read, for live reload
};

/// What the configuration needs made.
struct setup_needs {
    bool terminating = false;  ///< some router terminates TLS: options, and the generated default if needed
    bool backend_tls = false;  ///< some server has tls: the transports' client contexts
};

/// Certificates (of `dynamic`, then of the `acme_json` files) are always loaded: the API lists them. The rest as
/// `needs` says. `now` decides expiry warnings.
std::shared_ptr<const setup> build_setup(const config::dynamic_config& dynamic,
                                         const std::vector<std::string>& acme_json, setup_needs needs,
                                         std::chrono::system_clock::time_point now);

}  // namespace sy::tls
