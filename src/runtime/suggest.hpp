#pragma once
// "Did you mean" for references to names that do not exist: an entrypoint, a service, a middleware, a transport.
// docker-mailserver's own guide once had `entrypoints=smtp` against `--entryPoints.mail-smtp`; a label that names a
// file-defined service without `@file` is the other common slip. Traefik says only that the name does not exist.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sy::runtime::detail {

/// `; did you mean "X"?` naming the closest of `names` to `wanted`, or "" when none is close.
std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& names);

/// The same for provider-qualified names (`smtp@docker`): the same name from another provider first, then the
/// closest name, preferring the reference's own provider.
std::string did_you_mean_qualified(std::string_view wanted, const std::vector<std::string>& names);

template <class Map>
std::vector<std::string> keys_of(const Map& m) {
    std::vector<std::string> out;
    out.reserve(m.size());
    for (const auto& [k, v] : m) out.push_back(k);
    return out;
}

}  // namespace sy::runtime::detail
