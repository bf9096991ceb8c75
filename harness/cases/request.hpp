// The request one probe of a case makes: its identity's certificate, its headers and Host,
// and the request id the recording backend files it under.
#pragma once

#include <string>

#include "pki/fixtures.hpp"
#include "probe/probe.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::cases {

// Unique within the run (and across the shards of one), so the backend's record of a probe
// is never another's.
std::string next_request_id();

// Throws std::runtime_error when the case's identity has no fixture files.
probe::Request request_for(const scenario::Case& c, const pki::Fixtures& f, const target::Endpoint& ep,
                           scenario::TlsVersion v, long timeout_ms, const std::string& request_id);

}  // namespace mtls::cases
