// A phase's gates, one table (gates.cpp): judged against a result, their limits written to and
// read from report.json, and the one-line summary every view prints.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "report/model/phase.hpp"
#include "scenario/scenario.hpp"

namespace mtls::report {

// Evaluates the gates against a result (load::run_phase already fills PhaseResult::gates;
// merge judges again on the merged figures).
std::vector<GateVerdict> evaluate_gates(const scenario::Gates& gates, const PhaseResult& r);
// Gate limits as written in the scenario ({"handshake_p99_ms": 5, ...}; unset ones absent).
nlohmann::json gate_limits_json(const scenario::Gates& g);
scenario::Gates gate_limits_from_json(const nlohmann::json& j);
// One line: "gates: handshake_p99_ms <= 5: 3.2 pass; error_rate_max <= 0.01: 0 pass".
std::string gate_line(const PhaseResult& r);

}  // namespace mtls::report
