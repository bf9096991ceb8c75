// What the human-facing views (summary.md, report.html) share: the order in which cases are
// shown, the percentiles every latency table lists, and how durations are printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/report.hpp"

namespace mtls::report {

// Percentiles of every latency table, with their column labels.
inline const std::vector<std::pair<double, const char*>> kTablePercentiles = {
    {0.5, "p50"}, {0.9, "p90"}, {0.99, "p99"}, {0.999, "p99.9"}};

// A latency histogram worth a row, with its label.
struct LatencyRow {
  const char* label;
  const measure::Histogram* hist;
};
std::vector<LatencyRow> latency_rows(const PhaseResult& p);

// Cases grouped by case name (one row per case, one cell per TLS version), the rows with a
// cell that fails the run first, then passing ones, then not checkable, then skipped ones;
// scenario order within.
struct CaseRow {
  std::string case_name;
  std::vector<const CaseResult*> cells;  // in TLS version order of the run
  Status worst = Status::pass;
};
std::vector<CaseRow> case_rows_failing_first(const Report& r);

// The verdicts that fail a run: fail, error, inconclusive.
bool is_failure(Status s);

// "3.21" (ms, three significant-ish digits), "—" for a histogram without samples.
std::string format_ms(std::uint64_t ns);
std::string format_us_per_handshake(const std::optional<double>& us);

}  // namespace mtls::report
