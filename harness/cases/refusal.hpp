// What a refusal on the wire says about which check refused: nginx's two 400 pages, an
// allow-list's 403, a forwarded X-Client-Verify. A case passes only on a refusal that can be
// about its fault.
#pragma once

#include <string>

#include "probe/observed.hpp"
#include "scenario/scenario.hpp"

namespace mtls::cases {

enum class Evidence {
  none,                 // the wire does not say which check refused
  no_certificate_sent,  // nginx "400 No required SSL certificate was sent", X-Client-Verify: NONE
  certificate_error,    // nginx "400 The SSL certificate error": verification failed
  verified,             // X-Client-Verify: SUCCESS (nginx, Apache) or 0 (HAProxy)
  policy,               // HTTP 403: an allow-list or another policy after verification
};

struct RefusalEvidence {
  Evidence kind = Evidence::none;
  std::string text;  // what on the wire says so: `HTTP 403`, `X-Client-Verify: SUCCESS`
};

RefusalEvidence refusal_evidence(const probe::Outcome& o);

// Reasons only certificate verification refuses (not a missing certificate, not a policy,
// not a bad CertificateVerify signature).
bool checked_by_verification(scenario::Reason r);

}  // namespace mtls::cases
