#include "telemetry/log_exception.hpp"

#include <spdlog/spdlog.h>

namespace sy::telemetry {

void log_ended_by(std::exception_ptr e, std::string_view context, bool critical) noexcept {
    if (!e) return;
    std::string what;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        what = x.what();
    } catch (...) {
        what = "an exception that is not a std::exception";
    }
    try {
        spdlog::log(critical ? spdlog::level::critical : spdlog::level::err, "{}: ended by an exception: {}",
                    context, what);
    } catch (...) {
        // Logging itself failed (out of memory): nothing else can be said.
    }
}

}  // namespace sy::telemetry
