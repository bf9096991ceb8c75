// Gateway profiles: how each gateway expresses a canonical refusal reason on the wire.
// Scenarios say "reject: certificate_expired"; the strict profile expects the alert
// certificate_expired, the nginx profile an HTTP 400 after a completed handshake.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::cases {

struct WireForm {
  scenario::Layer layer = scenario::Layer::any;  // tls: an alert; http: a status
  std::vector<std::string> alerts;               // any of these alert names (tls)
  std::optional<int> status;                     // http
};

// nullopt when the profile is unknown (the loader rejects unknown profiles), or when that
// gateway cannot refuse this reason at all (e.g. caddy: certificate_revoked, no CRL support).
std::optional<WireForm> wire_form(const std::string& profile, scenario::Reason reason,
                                  scenario::TlsVersion version);

std::vector<std::string> profile_names();

}  // namespace mtls::cases
