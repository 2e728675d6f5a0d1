#include "providers/docker/api_version.hpp"

#include <charconv>

#include "base/concat.hpp"

namespace sy::providers::docker {

result<api_version> parse_api_version(std::string_view text) {
    api_version v;
    auto dot = text.find('.');
    if (dot == std::string_view::npos) return diagnostic{"docker API version", concat("\"", text, "\" is not MAJOR.MINOR")};
    auto major = text.substr(0, dot), minor = text.substr(dot + 1);
    auto r1 = std::from_chars(major.data(), major.data() + major.size(), v.major);
    auto r2 = std::from_chars(minor.data(), minor.data() + minor.size(), v.minor);
    if (r1.ec != std::errc() || r1.ptr != major.data() + major.size() || r2.ec != std::errc() ||
        r2.ptr != minor.data() + minor.size() || major.empty() || minor.empty())
        return diagnostic{"docker API version", concat("\"", text, "\" is not MAJOR.MINOR")};
    return v;
}

result<api_version> negotiate_api_version(std::string_view daemon_max, std::string_view daemon_min, api_version ours) {
    auto max = parse_api_version(daemon_max);
    if (!max) return max.error();
    auto min = parse_api_version(daemon_min.empty() ? "1.12" : daemon_min);
    if (!min) return min.error();
    api_version use = *max < ours ? *max : ours;
    if (use < *min)
        return diagnostic{"docker API version",
                          "the daemon accepts API " + min->to_string() + " to " + max->to_string() +
                              " but Switchyard speaks at most " + ours.to_string() +
                              ": this daemon is newer than this Switchyard; upgrade Switchyard"};
    return use;
}

}  // namespace sy::providers::docker
