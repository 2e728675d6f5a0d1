#pragma once
#include "config/static_config.hpp"

namespace sy::config {

/// Sets spdlog's default logger from `log.*`: level (Traefik's TRACE..PANIC, case-insensitive; FATAL and PANIC
/// map to critical), format (common: one human line; json: one JSON object per line) and filePath (append; stdout
/// when empty). Throws at start-up when the file cannot be opened.
void apply_logging(const log_config& log);

}  // namespace sy::config
