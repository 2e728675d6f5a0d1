// Fuzz target: the certificate-store parsers of untrusted files: sy::tls::parse_acme_json over arbitrary bytes, then
// every certificate and key it yields through load_key_pair (PEM, X.509, keys) and into a certificate store.
// Checks, beyond memory safety: every item has a source, and an item without an error has both PEM texts.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "tls/acme_json.hpp"
#include "tls/cert_store.hpp"
#include "tls/key_pair.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    sy::tls::certificate_store store;
    for (const auto& e : sy::tls::parse_acme_json(text, "fuzz.json")) {
        if (e.source.empty()) std::abort();
        if (!e.error.empty()) continue;
        if (e.cert_pem.empty() || e.key_pem.empty()) std::abort();
        auto kp = sy::tls::load_key_pair({e.cert_pem, e.source, false}, {e.key_pem, e.source, false});
        if (!kp) continue;
        auto shared = std::make_shared<const sy::tls::key_pair>(std::move(*kp));
        store.add(shared);
        for (const auto& n : shared->names)
            if (!store.find(n) && n.find('*') == std::string::npos && !n.empty() && n.back() != '.') std::abort();
    }
    // The raw bytes as PEM too: a certFile is untrusted input as well.
    (void)sy::tls::load_certificates({std::string(text), "fuzz.pem", false});
    return 0;
}
