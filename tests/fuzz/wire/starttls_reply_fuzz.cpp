// Fuzz target: sy::wire::parse_backend_reply over arbitrary server bytes, for each reply kind (the first byte picks
// it; the IMAP tag is "S1"). Beyond memory safety: `consumed` stays within the input and the caps, a malformed
// answer says why, and a verdict is final (no prefix answers differently from the whole).
#include <cstdint>
#include <cstdlib>
#include <span>

#include "wire/starttls_reply.hpp"

using namespace sy::wire;

namespace {

bool same(const backend_reply& a, const backend_reply& b) {
    return a.state == b.state && a.consumed == b.consumed && a.positive == b.positive && a.code == b.code &&
           a.starttls == b.starttls && a.preauth == b.preauth;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto kind = static_cast<reply_kind>(data[0] % 6);
    const auto bytes = std::as_bytes(std::span(data + 1, size - 1));
    const auto whole = parse_backend_reply(kind, "S1", bytes);
    using st = backend_reply::status;
    if (whole.state == st::done && (whole.consumed == 0 || whole.consumed > bytes.size() ||
                                    whole.consumed > max_reply_bytes))
        std::abort();
    if (whole.state == st::malformed && whole.why.empty()) std::abort();
    for (size_t cut : {bytes.size() / 2, bytes.size() > 0 ? bytes.size() - 1 : 0}) {
        if (cut >= bytes.size()) continue;
        const auto part = parse_backend_reply(kind, "S1", bytes.first(cut));
        if (part.state == st::need_more) continue;
        if (!same(part, whole)) std::abort();
    }
    return 0;
}
