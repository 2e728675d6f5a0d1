#pragma once
// Catch2 with printers for our result type: include this instead of <catch2/catch.hpp> in unit tests.
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"

namespace Catch {
template <class T>
struct StringMaker<sy::result<T>> {
    static std::string convert(const sy::result<T>& r) {
        return r ? std::string("(a value)") : "(error: " + r.error().to_string() + ")";
    }
};
template <>
struct StringMaker<sy::diagnostic> {
    static std::string convert(const sy::diagnostic& d) { return d.to_string(); }
};
}  // namespace Catch
