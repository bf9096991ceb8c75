#include <fmt/core.h>
#include <fmt/format.h>
#include <ostream>

#include "common/printable.hpp"
#include "report/phase_text.hpp"
#include "report/report.hpp"

namespace mtls::report {
namespace {

using common::printable;

// The verdict counts, the kinds a run rarely has only when it has them.
std::string counts_line(const Summary& s) {
  std::string out = fmt::format("{} passed, {} failed, {} errors", s.passed, s.failed, s.errors);
  if (s.inconclusive > 0) out += fmt::format(", {} inconclusive", s.inconclusive);
  if (s.not_checkable > 0) out += fmt::format(", {} not checkable", s.not_checkable);
  return out + fmt::format(", {} skipped of {}", s.skipped, s.total);
}


// Which client CAs the gateway named, once per distinct answer: what a fault case's refusal
// is read against.
void print_client_cas(const Report& r, std::ostream& out) {
  const auto all = client_ca_names(r.cases);
  if (all.empty()) return;
  bool any_names = false;
  for (const auto& n : all) any_names = any_names || !n.names.empty();
  for (const auto& n : all) {
    const auto v = scenario::to_string(n.version);
    if (!n.requested)
      out << fmt::format("client CAs [TLS {}]: the gateway never asked for a client certificate\n", v);
    else if (!n.names.empty())
      out << fmt::format("client CAs [TLS {}]: the gateway accepts {}\n", v,
                         printable(fmt::format("{}", fmt::join(n.names, "; "))));
  }
  if (!any_names && all.front().requested)
    out << "client CAs: the gateway names no acceptable client CAs; fault cases are judged on "
           "the refusal alone\n";
}

}  // namespace

std::string verdict_counts(const Summary& s) { return counts_line(s); }

void print_table(const Report& r, std::ostream& out, bool color) {
  auto paint = [color](Status s, const std::string& text) {
    if (!color) return text;
    return fmt::format("\033[{}m{}\033[0m", info(s).colour, text);
  };
  std::size_t wcase = 4, wexp = 8, wobs = 8;
  for (const auto& c : r.cases) {
    wcase = std::max(wcase, printable(c.case_name).size());
    wexp = std::max(wexp, c.verdict.expected_text.size());
    wobs = std::max(wobs, std::min<std::size_t>(printable(c.verdict.observed_text).size(), 70));
  }
  out << fmt::format("{:<{}}  {:<3}  {:<{}}  {:<{}}  {}\n", "case", wcase, "tls", "expected",
                     wexp, "observed", wobs, "verdict");
  for (const auto& c : r.cases) {
    auto observed = printable(c.verdict.observed_text);
    if (observed.size() > 70) observed = observed.substr(0, 67) + "...";
    out << fmt::format("{:<{}}  {:<3}  {:<{}}  {:<{}}  {}\n", printable(c.case_name), wcase,
                       scenario::to_string(c.version), c.verdict.expected_text, wexp, observed,
                       wobs, paint(c.verdict.status, words(c.verdict.status)));
  }
  print_client_cas(r, out);
  for (const auto& c : r.cases) {
    const auto& kind = info(c.verdict.status);
    if (!kind.label.empty() && !c.verdict.message.empty())
      out << paint(c.verdict.status, std::string(kind.label)) << " " << printable(c.verdict.message)
          << "\n";
  }
  for (const auto& p : r.phases) {
    out << "\n";
    print_summary(out, p);
    for (const auto& g : p.gates)
      out << (g.pass ? "gate" : paint(Status::fail, "GATE FAILED")) << " "
          << printable(p.name) << ": " << g.text << "\n";
  }
  const auto s = r.summary();
  out << fmt::format("{}: {} in {:.0f} ms{}\n", printable(r.meta.scenario_name), counts_line(s),
                     r.meta.duration_ms,
                     r.meta.partial ? " — PARTIAL: " + printable(r.meta.partial_reason) : "");
  if (!r.phases.empty())
    out << fmt::format("{}: {} load phase{}, {} gate{} failed\n", printable(r.meta.scenario_name),
                       r.phases.size(), r.phases.size() == 1 ? "" : "s", r.gates_failed(),
                       r.gates_failed() == 1 ? "" : "s");
}

}  // namespace mtls::report
