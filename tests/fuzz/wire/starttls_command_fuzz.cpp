// Fuzz target: sy::wire::parse_client_command over arbitrary client bytes, for each protocol (the first byte picks
// it). Beyond memory safety: a line never exceeds the protocol's cap or the input, `pipelined` says exactly whether
// bytes follow it, views stay inside the input, and a verdict is final (a longer input answers the same line).
#include <cstdint>
#include <cstdlib>
#include <span>

#include "wire/starttls_command.hpp"

using namespace sy::wire;

namespace {

bool inside(std::string_view v, std::span<const std::byte> in) {
    if (v.empty()) return true;
    const auto* b = reinterpret_cast<const char*>(in.data());
    return v.data() >= b && v.data() + v.size() <= b + in.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto p = static_cast<starttls_protocol>(data[0] % 4);
    const auto bytes = std::as_bytes(std::span(data + 1, size - 1));
    const auto whole = parse_client_command(p, bytes);
    using st = client_command::status;
    if (whole.state == st::line) {
        if (whole.consumed == 0 || whole.consumed > bytes.size() || whole.consumed > max_command_line(p)) std::abort();
        if (whole.pipelined != (bytes.size() > whole.consumed)) std::abort();
        if (!inside(whole.tag, bytes) || !inside(whole.argument, bytes)) std::abort();
    }
    for (size_t cut : {bytes.size() / 2, bytes.size() > 0 ? bytes.size() - 1 : 0}) {
        if (cut >= bytes.size()) continue;
        const auto part = parse_client_command(p, bytes.first(cut));
        if (part.state == st::need_more) continue;
        if (part.state != whole.state || part.verb != whole.verb || part.consumed != whole.consumed) std::abort();
    }
    return 0;
}
