// Outcome vs expectation -> verdict, with a one-line message a person understands. A verdict
// says why it is what it is: a refusal passes only when it can be about the fault under test.
#pragma once

#include <string>
#include <vector>

#include "probe/observed.hpp"
#include "report/model/backend_seen.hpp"
#include "report/model/verdict_kinds.hpp"
#include "scenario/scenario.hpp"

namespace mtls::cases {

// The verdict kinds and the verdict are the report model's (report/model/verdict_kinds.hpp).
using report::info;
using report::kObservedKinds;
using report::kStatuses;
using report::Observed;
using report::Status;
using report::StatusInfo;
using report::Verdict;

// What the harness knows of the identity a case presents, beyond its declared fault.
struct PresentedIdentity {
  std::string issuer;                    // the leaf's issuer, RFC 2253
  std::vector<std::string> chain_names;  // every CA name above the leaf: issuer, chain subjects
};

struct Judged {
  const scenario::Case& c;
  scenario::TlsVersion version;
  scenario::Fault fault;  // of the case's identity; none for "none"
  const std::string& profile;
  // How the target is configured to ask for a certificate: under `required`, an accepted
  // client the gateway never asked for a certificate proves nothing.
  scenario::VerifyMode verify = scenario::VerifyMode::required;
  const PresentedIdentity* identity = nullptr;  // nullptr: unknown (or no certificate sent)
  // What the recording backend received; seen_identity reads its X-Client-DN when it has one.
  const report::BackendSeen* backend = nullptr;
};

Verdict judge(const Judged& what, const probe::Outcome& outcome);
Verdict skipped(const scenario::Case& c);
// A case not probed because an earlier probe found the gateway does not offer its TLS version.
Verdict version_not_offered(const scenario::Case& c, const std::string& why);

using probe::classify;
using probe::version_refusal;
using report::to_string;
using report::words;
std::string describe(const probe::Outcome& o);  // observed_text

}  // namespace mtls::cases
