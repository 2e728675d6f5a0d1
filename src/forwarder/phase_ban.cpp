// Phase: the live ban list (banList.filename), judged on the client address after a trusted PROXY header, before
// any byte of the client is read or a backend dialled. Difference from Traefik: it has no deny list at all.
#include <spdlog/spdlog.h>

#include "forwarder/phases.hpp"

namespace sy::forwarder {

step check_ban(connection& c) {
    if (!c.l.ban_list) return proceed;
    if (c.w.bans && c.w.bans->banned(c.source.address, bans::unix_now())) {
        if (debug_enabled())
            spdlog::debug("entryPoint \"{}\": {} refused: banned (ban list)", c.l.name, format_endpoint(c.source));
        return telemetry::outcome::banned;
    }
    c.track.banned_if = &c.source.address;  // a ban published later finds this connection by it
    return proceed;
}

}  // namespace sy::forwarder
