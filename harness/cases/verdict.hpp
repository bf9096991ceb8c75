// Outcome vs expectation -> verdict, with a one-line message a person understands. A verdict
// says why it is what it is: a refusal passes only when it can be about the fault under test.
#pragma once

#include <string>
#include <vector>

#include "cases/verdict_kinds.hpp"
#include "probe/outcome.hpp"
#include "scenario/scenario.hpp"

namespace mtls::cases {

struct Verdict {
  Status status = Status::pass;
  Observed observed = Observed::accepted;
  std::string expected_text;  // "reject at TLS (certificate_expired)"
  std::string observed_text;  // "TLS alert certificate_expired (during handshake)"
  std::string message;        // one line; empty when passing
};

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
};

Verdict judge(const Judged& what, const probe::Outcome& outcome);
Verdict skipped(const scenario::Case& c);
// A case not probed because an earlier probe found the gateway does not offer its TLS version.
Verdict version_not_offered(const scenario::Case& c, const std::string& why);

using probe::classify;
using probe::to_string;
using probe::version_refusal;
std::string describe(const probe::Outcome& o);  // observed_text
std::string to_string(Status);                  // the json name: "not_checkable"
std::string words(Status);                      // for people: "not checkable"

}  // namespace mtls::cases
