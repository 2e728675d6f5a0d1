#pragma once
#include <cstdint>
#include <vector>

namespace sy::runtime {

/// One full cycle of Traefik's weighted round-robin over children with these weights (0 or negative: never
/// picked), as indexes. Empty when no weight is positive.
std::vector<uint32_t> wrr_schedule(std::vector<int> weights);

}  // namespace sy::runtime
