// A verdict checked against the gateway's own log: when the gateway wrote, during the probe, a
// line showing it failed for reasons of its own (target/gateway_log.hpp), what the client saw
// says nothing about the certificate, so the case is an error, never a pass or a fail.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cases/verdict.hpp"
#include "scenario/scenario.hpp"

namespace mtls::cases {

// Reports the gateway-internal log line written since the previous probe, if any.
using InternalErrorSource = std::function<std::optional<std::string>()>;

// `judged` unchanged when `source` is empty or reports nothing; else status error, observed
// target_misbehaved, message "<case> [TLS v]: expected <...>, but the target misbehaved:
// <log line>". The observed text (what the wire showed) is kept.
Verdict checked_against_log(Verdict judged, const std::string& case_name,
                            scenario::TlsVersion version, const InternalErrorSource& source);

}  // namespace mtls::cases
