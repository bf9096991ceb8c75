// A load phase in report.json, both ways: every raw figure (counts, buckets, series, CPU) is
// written, so a phase read back from a report can be merged and judged again.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "report/model/phase.hpp"

namespace mtls::report {

nlohmann::json to_json(const PhaseResult& r);
nlohmann::json to_json(const RevokedResumeCheck& c);
// The inverse of to_json. Throws nlohmann::json::exception or std::invalid_argument naming
// what is missing or malformed.
PhaseResult phase_result_from_json(const nlohmann::json& j);

}  // namespace mtls::report
