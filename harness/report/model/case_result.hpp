// One conformance case on one TLS version: what it presented, what happened, the verdict.
// cases/ produces these; every report writer renders them.
#pragma once

#include <optional>

#include <string>
#include <vector>

#include "report/model/backend_seen.hpp"
#include "report/model/outcome.hpp"
#include "report/model/verdict_kinds.hpp"
#include "scenario/scenario.hpp"

namespace mtls::report {

struct CaseResult {
  std::string case_name;
  std::string identity;
  scenario::Fault fault = scenario::Fault::none;
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  Verdict verdict;
  Outcome outcome;
  // What the recording backend received for this probe; nullopt when the target has none
  // (the embedded target, a template that answers itself, an external gateway).
  std::optional<BackendSeen> backend;
  // A built-in check's row ([checks]): its name ("spoofed_identity_headers"); "" for a case
  // the scenario wrote.
  std::string check;
  // What the launched gateway's own log got during this probe (at most kGatewayLogLines
  // lines); refusals_logged reads it, the report shows it.
  std::vector<std::string> gateway_log;
};

inline constexpr std::size_t kGatewayLogLines = 12;

}  // namespace mtls::report
