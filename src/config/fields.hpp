#pragma once
// The field tables (Traefik's key names → our structs), one per family of sources. Internal to src/config.
#include "decoder/schema.hpp"

namespace sy::config {

/// Static configuration: flags, environment and configuration files share it, as in Traefik.
const decoder::type_desc& static_schema();

/// One element of the dynamic configuration, as the file provider writes it.
const decoder::type_desc& router_schema();
const decoder::type_desc& file_service_schema();
const decoder::type_desc& middleware_schema();
const decoder::type_desc& servers_transport_schema();
const decoder::type_desc& tls_options_schema();
const decoder::type_desc& tls_certificate_schema();
const decoder::type_desc& tls_store_schema();

/// A service as labels write it: `loadbalancer.server.port` (one server), no weighted, no server address.
const decoder::type_desc& label_service_schema();

}  // namespace sy::config
