#include "report/views.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mtls::report {
namespace {

int rank(Status s) {
  if (info(s).fails_run) return 0;
  switch (s) {
    case Status::pass: return 1;
    case Status::not_checkable: return 2;
    default: return 3;
  }
}

}  // namespace

bool is_failure(Status s) { return info(s).fails_run; }

std::vector<LatencyRow> latency_rows(const PhaseResult& p) {
  std::vector<LatencyRow> rows = {{"tcp connect", &p.connect},
                                  {"handshake full", &p.handshake_full},
                                  {"handshake resumed", &p.handshake_resumed},
                                  {"ttfb", &p.ttfb},
                                  {"total", &p.total}};
  if (p.mode == "open") rows.push_back({"total uncorrected", &p.total_uncorrected});
  return rows;
}

std::vector<CaseRow> case_rows_failing_first(const Report& r) {
  std::vector<CaseRow> rows;
  for (const auto& c : r.cases) {
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const CaseRow& row) { return row.case_name == c.case_name; });
    if (it == rows.end()) {
      rows.push_back({c.case_name, {}, c.verdict.status});
      it = rows.end() - 1;
    }
    it->cells.push_back(&c);
    if (rank(c.verdict.status) < rank(it->worst)) it->worst = c.verdict.status;
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const CaseRow& a, const CaseRow& b) { return rank(a.worst) < rank(b.worst); });
  return rows;
}

std::string format_ms(std::uint64_t ns) {
  const double ms = static_cast<double>(ns) / 1e6;
  if (ms >= 100) return fmt::format("{:.0f}", ms);
  if (ms >= 10) return fmt::format("{:.1f}", ms);
  return fmt::format("{:.2f}", ms);
}

std::string format_us_per_handshake(const std::optional<double>& us) {
  return us ? fmt::format("{:.0f} µs", *us) : std::string("not measured");
}

}  // namespace mtls::report
