// Fuzz target: sy::wire::parse_proxy_header over arbitrary first bytes of a connection, and the writer behind it.
// Checks, beyond memory safety: a verdict is final (no prefix answers differently from the whole), `consumed` stays
// within the input, and a parsed header written back out parses to the same endpoints.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "wire/proxy_protocol.hpp"

using sy::wire::proxy_header_result;
using status = proxy_header_result::status;

namespace {

bool same(const proxy_header_result& a, const proxy_header_result& b) {
    auto eq = [](const auto& x, const auto& y) {
        return x.has_value() == y.has_value() && (!x || (x->address == y->address && x->port == y->port));
    };
    return a.state == b.state && a.consumed == b.consumed && a.version == b.version && eq(a.source, b.source) &&
           eq(a.destination, b.destination);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    const auto whole = sy::wire::parse_proxy_header(bytes);
    if (whole.state == status::done && (whole.consumed == 0 || whole.consumed > size)) std::abort();
    if (whole.state == status::malformed && whole.why.empty()) std::abort();
    if (whole.source.has_value() != whole.destination.has_value()) std::abort();

    for (size_t cut : {size / 2, size > 0 ? size - 1 : 0, size_t{6}, size_t{13}, size_t{16}}) {
        if (cut >= size) continue;
        const auto part = sy::wire::parse_proxy_header(bytes.first(cut));
        if (part.state != status::need_more && !same(part, whole)) std::abort();
    }

    if (whole.state == status::done && whole.source) {
        std::array<std::byte, sy::wire::max_proxy_header_write> out{};
        const size_t n = sy::wire::write_proxy_header(whole.version, *whole.source, *whole.destination, out);
        if (n == 0) std::abort();
        const auto again = sy::wire::parse_proxy_header(std::span<const std::byte>(out).first(n));
        if (again.state != status::done || again.consumed != n) std::abort();
        if (again.source->address != whole.source->address || again.source->port != whole.source->port) std::abort();
        if (again.destination->address != whole.destination->address ||
            again.destination->port != whole.destination->port)
            std::abort();
    }
    return 0;
}
