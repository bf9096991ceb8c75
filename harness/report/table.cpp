#include <fmt/core.h>
#include <ostream>

#include "report/report.hpp"

namespace mtls::report {

void print_table(const Report& r, std::ostream& out, bool color) {
  auto paint = [color](cases::Status s, const std::string& text) {
    if (!color) return text;
    const char* code = s == cases::Status::pass ? "32" : s == cases::Status::skipped ? "33" : "31";
    return fmt::format("\033[{}m{}\033[0m", code, text);
  };
  std::size_t wcase = 4, wexp = 8, wobs = 8;
  for (const auto& c : r.cases) {
    wcase = std::max(wcase, c.case_name.size());
    wexp = std::max(wexp, c.verdict.expected_text.size());
    wobs = std::max(wobs, std::min<std::size_t>(c.verdict.observed_text.size(), 70));
  }
  out << fmt::format("{:<{}}  {:<3}  {:<{}}  {:<{}}  {}\n", "case", wcase, "tls", "expected",
                     wexp, "observed", wobs, "verdict");
  for (const auto& c : r.cases) {
    auto observed = c.verdict.observed_text;
    if (observed.size() > 70) observed = observed.substr(0, 67) + "...";
    out << fmt::format("{:<{}}  {:<3}  {:<{}}  {:<{}}  {}\n", c.case_name, wcase,
                       scenario::to_string(c.version), c.verdict.expected_text, wexp, observed,
                       wobs, paint(c.verdict.status, cases::to_string(c.verdict.status)));
  }
  for (const auto& c : r.cases)
    if (c.verdict.status == cases::Status::fail || c.verdict.status == cases::Status::error)
      out << paint(c.verdict.status, "MISMATCH") << " " << c.verdict.message << "\n";
  for (const auto& p : r.phases) {
    out << "\n";
    load::print_summary(out, p);
    for (const auto& g : p.gates)
      out << (g.pass ? "gate" : paint(cases::Status::fail, "GATE FAILED")) << " " << p.name << ": "
          << g.text << "\n";
  }
  const auto s = r.summary();
  out << fmt::format("{}: {} passed, {} failed, {} errors, {} skipped of {} in {:.0f} ms{}\n",
                     r.meta.scenario_name, s.passed, s.failed, s.errors, s.skipped, s.total,
                     r.meta.duration_ms, r.meta.partial ? " — PARTIAL: " + r.meta.partial_reason : "");
  if (!r.phases.empty())
    out << fmt::format("{}: {} load phase{}, {} gate{} failed\n", r.meta.scenario_name,
                       r.phases.size(), r.phases.size() == 1 ? "" : "s", r.gates_failed(),
                       r.gates_failed() == 1 ? "" : "s");
}

}  // namespace mtls::report
