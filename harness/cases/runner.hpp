// Runs every case of a scenario on each of its TLS versions against a running target.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "cases/target_log.hpp"
#include "cases/verdict.hpp"
#include "pki/fixtures.hpp"
#include "probe/observed.hpp"
#include "report/model/case_result.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::cases {

using report::CaseResult;

struct RunOptions {
  std::string profile;                            // gateway profile used to read reasons
  const std::atomic<bool>* stop = nullptr;        // set by a signal handler: stop early
  std::function<void(const CaseResult&)> on_result;  // progress
  // After each probe: the gateway-internal line its log got meanwhile (target::
  // InternalErrorWatch), which makes the case an error (cases/target_log.hpp). Empty: none.
  InternalErrorSource internal_error_since_last_probe;
  // The same after a probe the gateway refused (it may log the refusal a moment later).
  InternalErrorSource internal_error_since_last_refusal;
  // The gateway's log lines the last of those two calls read: CaseResult::gateway_log.
  std::function<std::vector<std::string>()> probe_log_lines;
  // What the recording backend received under a request id (RunningTarget::backend()); empty
  // when the target has none, and then no case is judged by what the backend saw.
  std::function<std::optional<report::BackendSeen>(const std::string& id)> backend_seen;
};

// Returns one result per case × TLS version, in scenario order; fewer when stopped early.
std::vector<CaseResult> run_cases(const scenario::Scenario& s, const pki::Fixtures& f,
                                  const target::Endpoint& ep, const RunOptions& opts);

}  // namespace mtls::cases
