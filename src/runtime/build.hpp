#pragma once
// The runtime builder: validate and resolve a merged configuration into an immutable snapshot, giving every router,
// service and middleware a status and its errors. One bad element never affects another.
#include <memory>

#include "aggregator/aggregator.hpp"
#include "config/static_config.hpp"
#include "runtime/snapshot.hpp"
#include "telemetry/counters.hpp"

namespace sy::runtime {

/// `live` holds what must survive the reload (inFlightConn counts); null gives this build fresh state of its own.
std::shared_ptr<const snapshot> build(const config::static_config& statics, const aggregator::merged_config& merged,
                                      telemetry::registry& counters, uint64_t generation, live_state* live = nullptr);

}  // namespace sy::runtime
