#pragma once
// Provider-qualified names (`smtp@docker`): one function shared by the merge and the runtime builder's messages.
#include <string>
#include <string_view>

namespace sy::aggregator {

/// A reference (a router's service, a middleware, a weighted child, a transport): `name@provider`, or `name`
/// unchanged when it already names a provider (contains `@`) or is empty.
std::string qualify(std::string_view name, std::string_view provider);

/// A definition's own name: always `name@provider` (Traefik's MakeQualifiedName), so one provider's definition can
/// never take the qualified name of another's; a name that contains `@` is refused by the merge.
std::string qualify_definition(std::string_view name, std::string_view provider);

/// The provider part of a qualified name ("docker" for "smtp@docker"); empty when there is no `@`.
inline std::string_view provider_of(std::string_view qualified) {
    auto at = qualified.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : qualified.substr(at + 1);
}

}  // namespace sy::aggregator
