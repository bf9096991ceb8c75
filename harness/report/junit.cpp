#include <algorithm>
#include <fmt/core.h>

#include "report/model/gates.hpp"
#include "report/report.hpp"

namespace mtls::report {
namespace {

std::string xml_escape(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (unsigned char ch : in) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') out += '?';
        else out += static_cast<char>(ch);
    }
  }
  return out;
}

// The <failure>/<error>/<skipped> element of one case, from its verdict kind.
std::string case_element(const CaseResult& c) {
  const auto& kind = info(c.verdict.status);
  if (kind.junit.empty()) return "";
  const std::string message = xml_escape(c.verdict.message);
  if (kind.junit == "skipped") return fmt::format("\n      <skipped message=\"{}\"/>\n    ", message);
  const std::string detail = xml_escape("expected: " + c.verdict.expected_text +
                                        "\nobserved: " + c.verdict.observed_text +
                                        "\nclient error: " + c.outcome.curl_error);
  // The type says which kind of not-passing this is: a CI reader tells a gateway that
  // disagrees (mismatch) from a check that could not be made.
  std::string type = "mismatch";
  if (c.verdict.status == Status::inconclusive) type = "inconclusive";
  else if (c.verdict.status == Status::error)
    type = c.verdict.observed == Observed::target_misbehaved ? "target_misbehaved"
           : c.verdict.observed == Observed::version_not_offered ? "version_not_offered"
           : c.verdict.observed == Observed::tcp_failure         ? "unreachable"
                                                                        : "probe";
  return fmt::format("\n      <{} message=\"{}\" type=\"{}\">{}</{}>\n    ", kind.junit,
                     message.empty() ? xml_escape(c.verdict.observed_text) : message, type, detail,
                     kind.junit);
}

}  // namespace

std::string to_junit(const Report& r) {
  const auto cs = r.summary();
  int total = cs.total, failures = cs.failed, errors = 0, skipped = 0;
  for (const auto& k : kStatuses) {
    if (k.junit == "error") errors += cs.count(k.status);
    if (k.junit == "skipped") skipped += cs.count(k.status);
  }
  // Gates are test cases too: a violated gate fails the job like a mismatch does.
  for (const auto& p : r.phases) {
    total += static_cast<int>(p.gates.size());
    failures += static_cast<int>(std::count_if(p.gates.begin(), p.gates.end(),
                                               [](const auto& g) { return !g.pass; }));
  }
  // A run cut short is an error of the suite itself, so CI shows it red even when every case
  // that ran passed.
  if (r.meta.partial) {
    ++total;
    ++errors;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"mtls-harness\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"{:.3f}\">\n",
      total, failures, errors, skipped, r.meta.duration_ms / 1000.0);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "timestamp=\"{}\" time=\"{:.3f}\">\n",
      xml_escape(r.meta.scenario_name), total, failures, errors, skipped,
      r.meta.started_at, r.meta.duration_ms / 1000.0);
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"target\" value=\"{}\"/>\n", xml_escape(r.meta.target));
  out += fmt::format("      <property name=\"profile\" value=\"{}\"/>\n", xml_escape(r.meta.profile));
  out += fmt::format("      <property name=\"partial\" value=\"{}\"/>\n", r.meta.partial ? "true" : "false");
  out += fmt::format("      <property name=\"exit_code\" value=\"{}\"/>\n", r.exit_code());
  out += "    </properties>\n";
  for (const auto& c : r.cases) {
    out += fmt::format("    <testcase classname=\"{}.TLS{}\" name=\"{}\" time=\"{:.3f}\">",
                       xml_escape(r.meta.scenario_name), scenario::to_string(c.version),
                       xml_escape(c.case_name), c.outcome.total_ms / 1000.0);
    out += case_element(c);
    out += "</testcase>\n";
  }
  for (const auto& p : r.phases) {
    for (const auto& g : p.gates) {
      out += fmt::format("    <testcase classname=\"{}.load.{}\" name=\"{}\" time=\"{:.3f}\">",
                         xml_escape(r.meta.scenario_name), xml_escape(p.name), xml_escape(g.name),
                         p.measured_s);
      if (!g.pass)
        out += fmt::format("\n      <failure message=\"{}\" type=\"gate\">{}</failure>\n    ",
                           xml_escape(p.name + ": " + g.text), xml_escape(gate_line(p)));
      out += "</testcase>\n";
    }
  }
  if (r.meta.partial) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"run complete\" time=\"{:.3f}\">"
                       "\n      <error message=\"{}\" type=\"partial\">exit code {}</error>\n    "
                       "</testcase>\n",
                       xml_escape(r.meta.scenario_name), r.meta.duration_ms / 1000.0,
                       xml_escape("run stopped early: " + r.meta.partial_reason), r.exit_code());
    out += fmt::format("    <system-err>run stopped early: {}</system-err>\n",
                       xml_escape(r.meta.partial_reason));
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace mtls::report
