#pragma once
#include <chrono>

#include "config/static_config.hpp"

namespace sy::config {

/// Sets spdlog's default logger from `log.*`: level (Traefik's TRACE..PANIC, case-insensitive; FATAL and PANIC
/// map to critical), format (common: one human line; json: one JSON object per line) and filePath (append; stdout
/// when empty). Throws at start-up when the file cannot be opened.
///
/// The logger is asynchronous: a line is queued (a short lock, no I/O) and one logging thread writes it, so a
/// stalled stdout pipe never stops a worker. When the queue is full the oldest queued lines are dropped (spdlog's
/// overrun_oldest), never waited for.
void apply_logging(const log_config& log);

/// Writes out what is queued and stops the logging thread, waiting at most `limit` (its output may be stalled for
/// good: a pipe nobody reads). Returns false when it had to give up; the caller should then leave with _exit.
bool finish_logging(std::chrono::milliseconds limit);

}  // namespace sy::config
