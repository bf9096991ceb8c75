// The built-in checks ([checks]): questions a gateway raises that no case of the scenario
// asks — does a forged identity header reach the backend, can a client skip mTLS by sending
// one name as SNI and another as Host, does the gateway require or only request a
// certificate, does it log every refusal. Each is answered by probes of its own and reported
// as rows of its own (CaseResult::check), so every writer shows them like cases.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pki/fixtures.hpp"
#include "report/model/case_result.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::checks {

using BackendLookup = std::function<std::optional<report::BackendSeen>(const std::string& id)>;

struct Context {
  const scenario::Scenario& s;
  const pki::Fixtures& f;
  target::Endpoint ep;
  // The kind of a gateway the harness launched, whose log the cases' rows carry ("nginx");
  // "" when no log is read (embedded, external).
  std::string gateway;
  BackendLookup backend;  // empty: the target has no recording backend
  const std::atomic<bool>* stop = nullptr;
};

// One check and whether this run asks it: `runs`, or `why_not`. `asked`: [checks] set it to
// true, so a check that cannot run is a skipped row rather than a note.
struct Selected {
  std::string name;
  bool runs = false;
  bool asked = false;
  bool quiet = false;  // not the user's own config and not asked for: no note either
  std::string why_not;
};
std::vector<Selected> select(const Context& ctx);

// The rows of every selected check, in the order of select(). `cases`: the scenario's own
// results (refusals_logged reads their gateway_log).
std::vector<report::CaseResult> run(const Context& ctx, const std::vector<report::CaseResult>& cases,
                                    const std::function<void(const report::CaseResult&)>& on_result = {});

}  // namespace mtls::checks
