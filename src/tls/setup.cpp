#include "tls/setup.hpp"

#include <ctime>
#include <iterator>

#include "tls/default_cert.hpp"
#include "tls/key_pair.hpp"

namespace sy::tls {

namespace {

constexpr std::string_view default_name = "default";

std::string day_of(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

void check_expiry(certificate_info& info, std::chrono::system_clock::time_point now) {
    if (info.not_after <= now) {
        info.errors.push_back("expired on " + day_of(info.not_after));
        info.state = "warning";
    } else if (info.not_after - now < expiry_warning) {
        const auto days = std::chrono::duration_cast<std::chrono::hours>(info.not_after - now).count() / 24;
        info.errors.push_back("expires on " + day_of(info.not_after) + " (in " + std::to_string(days) + " days)");
        info.state = "warning";
    }
}

/// Loads one certificate; a failure leaves `info` disabled with the reason, naming the file.
std::shared_ptr<const key_pair> load(const config::tls_certificate& c, certificate_info& info,
                                     std::vector<file_stamp>& files, std::chrono::system_clock::time_point now) {
    info.source = c.cert_file.find("-----BEGIN") != std::string::npos ? "inline PEM" : "certFile " + c.cert_file;
    auto cert = read_file_or_content("certFile", c.cert_file, files);
    auto key = read_file_or_content("keyFile", c.key_file, files);
    if (!cert || !key) {
        info.state = "disabled";
        if (!cert) info.errors.push_back(cert.error().to_string());
        if (!key) info.errors.push_back(key.error().to_string());
        return nullptr;
    }
    auto kp = load_key_pair(*cert, *key);
    if (!kp) {
        info.state = "disabled";
        info.errors.push_back(kp.error().to_string());
        return nullptr;
    }
    info.key_kind = to_string(kp->kind);
    info.names = kp->names;
    info.subject = kp->subject;
    info.not_after = kp->not_after;
    check_expiry(info, now);
    return std::make_shared<const key_pair>(std::move(*kp));
}

}  // namespace

std::shared_ptr<const setup> build_setup(const config::dynamic_config& dynamic,
                                         const std::vector<std::string>& acme_json, setup_needs needs,
                                         std::chrono::system_clock::time_point now) {
    const auto& tls = dynamic.tls;
    const bool terminating = needs.terminating;
    auto out = std::make_shared<setup>();
    auto store = std::make_shared<certificate_store>();
    for (const auto& c : tls.certificates) {
        certificate_info info;
        // Traefik's stores: only "default" is usable, and a certificate naming none goes there.
        bool in_default = c.stores.empty();
        for (const auto& s : c.stores) in_default = in_default || s == default_name;
        if (auto kp = load(c, info, out->files, now)) {
            if (in_default)
                store->add(kp);
            else {
                info.errors.push_back("not in the default store, the only one Traefik and Switchyard use: not served");
                info.state = "warning";
            }
        }
        out->certificates.push_back(std::move(info));
    }
    std::vector<extra_certificate> extra;
    for (const auto& path : acme_json) {
        auto found = load_acme_json(path, out->files);
        extra.insert(extra.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    for (const auto& e : extra) {
        certificate_info info;
        info.source = e.source;
        if (!e.error.empty()) {
            info.state = "disabled";
            info.errors.push_back(e.error);
            out->certificates.push_back(std::move(info));
            continue;
        }
        auto kp = load_key_pair({e.cert_pem, e.source, false}, {e.key_pem, e.source, false});
        if (!kp) {
            info.state = "disabled";
            info.errors.push_back(kp.error().to_string());
        } else {
            info.key_kind = to_string(kp->kind);
            info.names = kp->names;
            info.subject = kp->subject;
            info.not_after = kp->not_after;
            check_expiry(info, now);
            store->add(std::make_shared<const key_pair>(std::move(*kp)));
        }
        out->certificates.push_back(std::move(info));
    }

    bool have_default = false;
    if (auto st = tls.stores.find(std::string(default_name)); st != tls.stores.end() && st->second.default_certificate) {
        certificate_info info;
        info.is_default = true;
        if (auto kp = load(*st->second.default_certificate, info, out->files, now)) {
            store->set_default(kp);
            have_default = true;
        } else {
            for (const auto& e : info.errors)
                out->default_problems.push_back("tls.stores.default.defaultCertificate: " + e +
                                                "; the generated default certificate is served instead");
        }
        out->certificates.push_back(std::move(info));
    }
    if (!have_default && terminating) {
        auto kp = generated_default_certificate();
        store->set_default(kp);
        certificate_info info;
        info.source = "generated";
        info.key_kind = to_string(kp->kind);
        info.names = kp->names;
        info.subject = kp->subject;
        info.not_after = kp->not_after;
        info.is_default = info.generated = true;
        out->certificates.push_back(std::move(info));
    }
    out->store = store;

    if (terminating) {
        std::map<std::string, config::tls_options> all = tls.options;
        all.try_emplace(std::string(default_name));  // Traefik's DefaultTLSOptions when no provider defines one
        for (const auto& [name, o] : all) {
            auto made = make_server_side(name, o, store, out->files);
            if (made.side) out->options.emplace(name, made.side);
            for (const auto& e : made.errors) out->option_errors[name].push_back(e.to_string());
            for (auto& w : made.warnings) out->option_warnings[name].push_back(std::move(w));
        }
    }
    if (needs.backend_tls) {
        auto add = [&](const std::string& name, const config::servers_transport_tls* t) {
            auto made = make_client_side(name, t, out->files);
            if (made.side) out->transports.emplace(name, made.side);
            for (const auto& e : made.errors) out->transport_errors[name].push_back(e.to_string());
        };
        add("", nullptr);
        for (const auto& [name, t] : dynamic.servers_transports)
            if (t.tls) add(name, &*t.tls);
    }
    return out;
}

}  // namespace sy::tls
