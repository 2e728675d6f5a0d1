#pragma once
// Reads a captured Engine API answer from tests/unit/providers/swarm/fixtures/.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

inline std::string fixture(const std::string& name) {
    std::ifstream in(std::string(SY_SWARM_FIXTURES) + "/" + name);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
