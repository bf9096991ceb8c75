// The numbers of a report read back from JSON, checked before any reader converts them.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace mtls::report {

// Throws ReportError "SOURCE: load[0].latency.connect.buckets.counts[3][1]: -5 is not a
// non-negative count; ..." for the first number the writer could not have written: negative
// or fractional counts, non-finite or implausible times, negative durations.
void check_numbers(const nlohmann::json& doc, const std::string& source);

}  // namespace mtls::report
