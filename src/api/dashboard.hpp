#pragma once
// The dashboard's files, compiled into the binary from src/api/dashboard/ by embed_dashboard.py (a meson
// custom_target), so the image needs nothing beside the executable.
#include <span>
#include <string_view>

namespace sy::api {

struct asset {
    std::string_view name;          ///< file name: "index.html", "app.js", "style.css"
    std::string_view content_type;
    std::string_view body;
};

std::span<const asset> dashboard_assets();

}  // namespace sy::api
