// The conformance question a resumption phase raises: a client's certificate is revoked
// after its session was established; does resuming that session still get it in?
//
// With one valid identity of the phase, on the phase's TLS version and resumption mode:
//   1. full handshake + GET: must be answered 2xx; keep the session (ID or ticket);
//   2. push a CRL revoking the identity to the running target (RunningTarget::replace_crls);
//   3. poll with fresh full handshakes until the target refuses the identity (the CRL is in
//      effect; an nginx reload takes a moment);
//   4. offer the kept session: resumed and answered 2xx means the revoked client gets in;
//   5. push the original CRLs back and poll until the identity is accepted again.
// OpenSSL-based servers do not re-check revocation on resumption: the answer is usually
// "gets in" until the session cache entry or ticket key expires, which is what teams
// should know about their session lifetimes.
#pragma once

#include <string>

#include "pki/fixtures.hpp"
#include "report/model/phase.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::cases {

using report::RevokedResumeCheck;

// Runs the check for `phase` against `target` (which must be the harness's own launched
// or embedded target); never throws for what the target answers, only for broken fixtures.
RevokedResumeCheck check_revoked_resume(const scenario::LoadPhase& phase,
                                        const scenario::Scenario& s, const pki::Fixtures& f,
                                        target::RunningTarget& target);

}  // namespace mtls::cases
