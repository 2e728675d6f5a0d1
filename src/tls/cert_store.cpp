#include "tls/cert_store.hpp"

#include <algorithm>
#include <cctype>

namespace sy::tls {

void certificate_entry::add(const std::shared_ptr<const key_pair>& kp) {
    auto& slot = kp->kind == key_kind::rsa ? rsa : kp->kind == key_kind::ecdsa ? ecdsa : other;
    if (!slot) slot = kp;
}

void certificate_store::add(const std::shared_ptr<const key_pair>& kp) {
    for (const auto& n : kp->names) by_name_[n].add(kp);
}

const certificate_entry* certificate_store::find(std::string_view server_name) const {
    std::string name(server_name);
    while (!name.empty() && name.back() == '.') name.pop_back();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (name.empty()) return nullptr;
    if (auto it = by_name_.find(name); it != by_name_.end()) return &it->second;
    const auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0) return nullptr;
    if (auto it = by_name_.find("*" + name.substr(dot)); it != by_name_.end()) return &it->second;
    return nullptr;
}

}  // namespace sy::tls
