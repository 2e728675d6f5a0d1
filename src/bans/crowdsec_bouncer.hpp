#pragma once
// The CrowdSec bouncer (banList.crowdsec): follows a Local API's decision stream (GET /v1/decisions/stream with
// the bouncer's X-Api-Key, every pollInterval; the first pull, every pull after a failure and every 30th
// (crowdsec_bouncer.cpp says why) ask ?startup=true for the whole set) and reports the decisions to the ban sources, which merge them with the file's entries. HTTP goes
// through the Docker provider's client on the control io_context. A LAPI that is down or refuses keeps the last
// decisions in force (each still ends at its own expiry) and is retried with the Docker provider's back-off.
#include <functional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "bans/ban_sources.hpp"
#include "config/static_config.hpp"

namespace sy::bans {

/// After every pull: the bouncer's status, and its decisions as ban entries when they changed (null: unchanged).
using crowdsec_sink = std::function<void(crowdsec_status, const std::vector<ban_entry>*)>;

/// Runs until its io_context stops. The API key is read from cfg.api_key_file before every startup pull, so a key
/// rotated in the file is picked up after the LAPI refuses the old one.
boost::asio::awaitable<void> run_crowdsec_bouncer(config::crowdsec_config cfg, crowdsec_sink report);

}  // namespace sy::bans
