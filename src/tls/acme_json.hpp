#pragma once
// Traefik's acme.json as a certificate source (Switchyard extension, static `tls.acmeJSON`): a Traefik that keeps
// HTTP and ACME shares the certificates it obtains, read-only, re-read when the file changes. The format is
// Traefik's LocalStore (pkg/provider/acme/local_store.go): per resolver, "Certificates" holding base64 PEM
// "certificate" (the chain) and "key", with "domain" {main, sans} and "Store".
#include <string>
#include <string_view>
#include <vector>

#include "tls/pem_source.hpp"

namespace sy::tls {

/// One certificate found in a source other than the dynamic configuration. `error` set: it could not be used
/// (the file, the resolver or the entry is named in `source`).
struct extra_certificate {
    std::string source;
    std::string cert_pem;
    std::string key_pem;
    std::string error;
};

/// Pure: every certificate of every resolver in `text`, in file order; a broken file or entry is one item with an
/// error. `label` names the file in sources and errors.
std::vector<extra_certificate> parse_acme_json(std::string_view text, std::string_view label);

/// Reads `path` (recording its stamp in `read`) and parses it.
std::vector<extra_certificate> load_acme_json(const std::string& path, std::vector<file_stamp>& read);

/// RFC 4648 base64 (Go's encoding/json writes []byte so); nothing on an invalid input.
bool decode_base64(std::string_view in, std::string& out);

}  // namespace sy::tls
