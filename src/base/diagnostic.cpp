#include "base/diagnostic.hpp"

#include <stdexcept>

namespace sy {

// Only reached by result::value() on an error, which is a bug outside start-up code.
void throw_exception_from_error(const diagnostic& d, const boost::source_location&) {
    throw std::runtime_error(d.to_string());
}

}  // namespace sy
