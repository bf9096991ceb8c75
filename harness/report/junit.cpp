#include <algorithm>
#include <fmt/core.h>

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

}  // namespace

std::string to_junit(const Report& r) {
  auto s = r.summary();
  // Gates are test cases too: a violated gate fails the job like a mismatch does.
  for (const auto& p : r.phases) {
    s.total += static_cast<int>(p.gates.size());
    s.failed += static_cast<int>(std::count_if(p.gates.begin(), p.gates.end(),
                                               [](const auto& g) { return !g.pass; }));
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"mtls-harness\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\" time=\"{:.3f}\">\n",
      s.total, s.failed, s.errors, s.skipped, r.meta.duration_ms / 1000.0);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
      "timestamp=\"{}\" time=\"{:.3f}\">\n",
      xml_escape(r.meta.scenario_name), s.total, s.failed, s.errors, s.skipped,
      r.meta.started_at, r.meta.duration_ms / 1000.0);
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"target\" value=\"{}\"/>\n", xml_escape(r.meta.target));
  out += fmt::format("      <property name=\"profile\" value=\"{}\"/>\n", xml_escape(r.meta.profile));
  out += fmt::format("      <property name=\"partial\" value=\"{}\"/>\n", r.meta.partial ? "true" : "false");
  out += "    </properties>\n";
  for (const auto& c : r.cases) {
    out += fmt::format("    <testcase classname=\"{}.TLS{}\" name=\"{}\" time=\"{:.3f}\">",
                       xml_escape(r.meta.scenario_name), scenario::to_string(c.version),
                       xml_escape(c.case_name), c.outcome.total_ms / 1000.0);
    const std::string detail = xml_escape("expected: " + c.verdict.expected_text +
                                          "\nobserved: " + c.verdict.observed_text +
                                          "\nclient error: " + c.outcome.curl_error);
    switch (c.verdict.status) {
      case cases::Status::pass: break;
      case cases::Status::fail:
        out += fmt::format("\n      <failure message=\"{}\" type=\"mismatch\">{}</failure>\n    ",
                           xml_escape(c.verdict.message), detail);
        break;
      case cases::Status::error:
        out += fmt::format("\n      <error message=\"{}\" type=\"probe\">{}</error>\n    ",
                           xml_escape(c.verdict.message), detail);
        break;
      case cases::Status::skipped:
        out += fmt::format("\n      <skipped message=\"{}\"/>\n    ", xml_escape(c.verdict.message));
        break;
    }
    out += "</testcase>\n";
  }
  for (const auto& p : r.phases) {
    for (const auto& g : p.gates) {
      out += fmt::format("    <testcase classname=\"{}.load.{}\" name=\"{}\" time=\"{:.3f}\">",
                         xml_escape(r.meta.scenario_name), xml_escape(p.name), xml_escape(g.name),
                         p.measured_s);
      if (!g.pass)
        out += fmt::format("\n      <failure message=\"{}\" type=\"gate\">{}</failure>\n    ",
                           xml_escape(p.name + ": " + g.text), xml_escape(load::gate_line(p)));
      out += "</testcase>\n";
    }
  }
  if (r.meta.partial)
    out += fmt::format("    <system-err>run stopped early: {}</system-err>\n",
                       xml_escape(r.meta.partial_reason));
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace mtls::report
