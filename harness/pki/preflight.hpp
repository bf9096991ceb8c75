// Before the first probe: every identity's key fits its certificate (or, for key-mismatch,
// does not), its chain chains, and a declared fault is really there. A case about a
// certificate the client could not present, or about a fault the certificate does not have,
// would otherwise pass on a refusal that has nothing to do with it.
#pragma once

#include <ctime>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "pki/fixtures.hpp"

namespace mtls::pki {

// What was established about one identity (manifest.json "verified").
struct Verified {
  std::string identity;
  std::optional<bool> key_matches_cert;  // nullopt: the key or certificate could not be read
  std::optional<bool> chain_ok;          // each certificate's issuer is the next one's subject
                                         // and its signature verifies with that one's key
  int chain_certs = 0;                   // intermediates the client sends
  std::string fault_confirmed;           // "expired (notAfter 2024-01-01T00:00:00Z)"; empty:
  std::string fault_not_checked;         // ... and why it cannot be checked without the gateway
};

struct PreflightResult {
  std::vector<Verified> identities;  // in fixture (scenario) order
  // One line each: "identity 'X': <what>, <which files>, <what to do>".
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// Reads every identity's files; never throws for a file it cannot read (that is a problem).
PreflightResult preflight(const Fixtures& f, std::time_t now);

// The check `run` and `pki` make: preflight, "verified" written into manifest.json, every
// problem printed to `err`. false: nothing may be probed (exit 2).
bool preflight_or_report(const Fixtures& f, std::ostream& err);

}  // namespace mtls::pki
