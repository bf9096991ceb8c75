// The one classifier of outcomes: conformance verdicts (cases/) and `diagnose` both read
// connections through it. The outcome and its kinds are the report model's
// (report/model/outcome.hpp, report/model/observed.hpp); probe produces them.
#pragma once

#include "report/model/observed.hpp"
#include "report/model/outcome.hpp"

namespace mtls::probe {

using report::Observed;
using report::Outcome;
using report::TcpResult;
using report::TlsAlert;
using report::kObservedKinds;
using report::to_string;

Observed classify(const Outcome& o);

// Statuses gateways refuse a client with after a completed handshake; any other 4xx/5xx is an
// answer to the request (404, 500, 502), not a refusal of the certificate.
bool is_refusal_status(int status);

// The server's fatal alert when it says it does not speak the client's TLS version.
const TlsAlert* version_refusal(const Outcome& o);

}  // namespace mtls::probe
