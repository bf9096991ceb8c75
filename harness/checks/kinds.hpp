// The four checks and what they share: one probe as a check makes it, one row as a check
// reports it. Internal to checks/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "checks/checks.hpp"
#include "probe/observed.hpp"
#include "report/model/verdict_kinds.hpp"

namespace mtls::checks {

// Header names and server names compare without regard to case.
bool iequal(const std::string& a, const std::string& b);

// What one probe of a check sends.
struct Probe {
  std::string identity = "none";  // an identity's name, or "none"
  std::string sni;                // "" : the target's server name
  std::string host;               // Host header; "" : the SNI name
  std::vector<std::pair<std::string, std::string>> headers;
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  std::string path = "/";
};

struct Probed {
  probe::Outcome outcome;
  std::optional<report::BackendSeen> backend;  // nullopt: no recording backend
};

Probed run_probe(const Context& ctx, const Probe& p);

// A check's row: the probe's identity and version, the verdict, what the backend saw.
report::CaseResult row(const std::string& check, std::string name, const Probe& p, Probed probed,
                       report::Verdict v);

// The TLS version checks probe on when one is enough: the newest the target is tested on.
scenario::TlsVersion newest_version(const scenario::Scenario& s);

// The case whose client a check may present as the valid one (its identity, path and Host):
// the first expected to accept with a certificate; nullptr when the scenario has none.
const scenario::Case* valid_case(const scenario::Scenario& s);

// The config-file wording of how `gateway` sets or clears a request header.
std::string header_fix(const std::string& gateway, const std::string& header);

std::vector<report::CaseResult> spoofed_identity_headers(const Context& ctx);
std::vector<report::CaseResult> sni_host_mismatch(const Context& ctx);
std::vector<report::CaseResult> requested_vs_required(const Context& ctx);
std::vector<report::CaseResult> refusals_logged(const Context& ctx, const std::vector<report::CaseResult>& cases);

// The names a check forges and reads: [checks] identity_headers, then the config's.
std::vector<std::string> identity_header_names(const scenario::Scenario& s);

// Names served without a client certificate, and names requiring one, on the cases' port.
struct Sites {
  std::vector<std::string> open;
  std::vector<std::string> protected_;
};
Sites sites(const scenario::Scenario& s);

}  // namespace mtls::checks
