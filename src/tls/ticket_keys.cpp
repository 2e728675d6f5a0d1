#include "tls/ticket_keys.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <cstring>
#include <mutex>
#include <optional>

namespace sy::tls {

namespace {

struct ticket_key {
    unsigned char name[16];
    unsigned char aes[32];
    unsigned char hmac[32];
    std::chrono::steady_clock::time_point made;
};

std::optional<ticket_key> make_key() {
    ticket_key k{};
    if (RAND_bytes(k.name, sizeof k.name) != 1 || RAND_bytes(k.aes, sizeof k.aes) != 1 ||
        RAND_bytes(k.hmac, sizeof k.hmac) != 1)
        return std::nullopt;
    k.made = std::chrono::steady_clock::now();
    return k;
}

/// The current key and the one before it. Handshakes of every worker reach it: one lock per ticket issued or read.
class key_ring {
public:
    /// The key to issue under (rotating first when due); false when no randomness could be had.
    bool current(ticket_key& out) {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (!current_ || now - current_->made >= ticket_key_rotation) {
            auto fresh = make_key();
            if (!fresh) return false;
            previous_ = current_;
            current_ = fresh;
        }
        out = *current_;
        return true;
    }

    /// The key named `name`: 1 for the current one, 2 for the previous one (renew), 0 for none.
    int find(const unsigned char* name, ticket_key& out) {
        std::lock_guard lock(mutex_);
        if (current_ && std::memcmp(current_->name, name, sizeof current_->name) == 0) {
            out = *current_;
            // Past its rotation: still good for reading, but a new ticket goes out under the next key.
            return std::chrono::steady_clock::now() - current_->made >= ticket_key_rotation ? 2 : 1;
        }
        if (previous_ && std::memcmp(previous_->name, name, sizeof previous_->name) == 0 &&
            std::chrono::steady_clock::now() - previous_->made < 2 * ticket_key_rotation) {
            out = *previous_;
            return 2;
        }
        return 0;
    }

private:
    std::mutex mutex_;
    std::optional<ticket_key> current_;
    std::optional<ticket_key> previous_;
};

key_ring& ring() {
    static key_ring r;
    return r;
}

int set_hmac_key(EVP_MAC_CTX* hctx, unsigned char* key) {
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key, 32),
                           OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    return EVP_MAC_CTX_set_params(hctx, params);
}

/// OpenSSL's ticket callback: 1 done, 2 done and renew, 0 no ticket (a full handshake), -1 a fatal error.
int on_ticket(SSL*, unsigned char key_name[16], unsigned char* iv, EVP_CIPHER_CTX* cctx, EVP_MAC_CTX* hctx,
              int encrypt) {
    ticket_key k{};
    if (encrypt) {
        if (!ring().current(k) || RAND_bytes(iv, 16) != 1) return 0;  // no ticket this time
        std::memcpy(key_name, k.name, sizeof k.name);
        if (EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), nullptr, k.aes, iv) != 1) return -1;
        return set_hmac_key(hctx, k.hmac) == 1 ? 1 : -1;
    }
    const int found = ring().find(key_name, k);
    if (found == 0) return 0;
    if (set_hmac_key(hctx, k.hmac) != 1) return -1;
    if (EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), nullptr, k.aes, iv) != 1) return -1;
    return found;
}

}  // namespace

void use_shared_ticket_keys(SSL_CTX* ctx) { SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, on_ticket); }

std::array<unsigned char, 32> ticket_context(std::string_view identity) {
    std::array<unsigned char, 32> out{};
    unsigned int n = 0;
    EVP_Digest(identity.data(), identity.size(), out.data(), &n, EVP_sha256(), nullptr);
    return out;
}

}  // namespace sy::tls
