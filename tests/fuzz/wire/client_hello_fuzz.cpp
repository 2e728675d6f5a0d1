// Fuzz target: sy::wire::parse_client_hello over arbitrary first bytes of a connection.
// Beyond "no crash, no out-of-bounds read" (ASan), it checks that a verdict is final: the forwarder peeks bytes as
// they arrive and acts on the first answer that is not need_more, so no prefix may answer differently from the whole.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "wire/client_hello.hpp"

using sy::wire::client_hello_result;

namespace {

bool same(const client_hello_result& a, const client_hello_result& b) {
    return a.state == b.state && a.sni == b.sni && a.alpn == b.alpn;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    const auto whole = sy::wire::parse_client_hello(bytes);
    if (whole.state == client_hello_result::status::malformed && whole.why.empty()) std::abort();
    for (size_t cut : {size / 2, size > 0 ? size - 1 : 0, size_t{5}, size_t{9}}) {
        if (cut >= size) continue;
        const auto part = sy::wire::parse_client_hello(bytes.first(cut));
        if (part.state != client_hello_result::status::need_more && !same(part, whole)) std::abort();
    }
    return 0;
}
