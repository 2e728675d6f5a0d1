#include "runtime/suggest.hpp"

#include "aggregator/qualify.hpp"
#include "base/text.hpp"

namespace sy::runtime::detail {

namespace {

std::string hint(const std::string& name) { return name.empty() ? std::string() : "; did you mean \"" + name + "\"?"; }

std::string_view base_of(std::string_view qualified) { return qualified.substr(0, qualified.rfind('@')); }

}  // namespace

std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& names) {
    return hint(closest_name(wanted, names));
}

std::string did_you_mean_qualified(std::string_view wanted, const std::vector<std::string>& names) {
    const std::string_view base = base_of(wanted);
    const std::string_view provider = aggregator::provider_of(wanted);
    for (const auto& n : names)
        if (base_of(n) == base && aggregator::provider_of(n) != provider) return hint(n);
    std::vector<std::string> bases;
    for (const auto& n : names) bases.emplace_back(base_of(n));
    const std::string best = closest_name(base, bases);
    if (best.empty()) return {};
    const std::string* chosen = nullptr;
    for (const auto& n : names)
        if (base_of(n) == best && (!chosen || aggregator::provider_of(n) == provider)) chosen = &n;
    return chosen ? hint(*chosen) : std::string();
}

}  // namespace sy::runtime::detail
