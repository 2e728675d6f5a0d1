#pragma once
// One string from several pieces, sized once.
#include <string>
#include <string_view>

namespace sy {

/// The pieces (anything that converts to std::string_view) joined into one string with a single allocation.
/// Use it rather than `"\"" + std::string(v) + "\""`: with g++ 12 at -O3 a literal on the left of operator+ inlines
/// std::string::insert, which raises a false -Wrestrict (GCC bug 105329) that the -Werror release build refuses.
template <class... Pieces>
std::string concat(const Pieces&... pieces) {
    std::string out;
    out.reserve((std::string_view(pieces).size() + ... + size_t{0}));
    (out.append(std::string_view(pieces)), ...);
    return out;
}

}  // namespace sy
