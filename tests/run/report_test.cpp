// The report files are views of one model: JSON carries everything, JUnit one testcase per
// case x TLS version with the mismatch message as the failure text.
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "common/files.hpp"
#include "report/report.hpp"

using namespace mtls;

namespace {

report::Report sample() {
  report::Report r;
  r.meta.scenario_name = "sample & <co>";
  r.meta.harness_version = "0.1.0";
  r.meta.started_at = "2026-01-01T00:00:00Z";
  report::CaseResult pass;
  pass.case_name = "valid";
  pass.identity = "valid";
  pass.version = scenario::TlsVersion::tls1_3;
  pass.verdict.expected_text = "accept";
  pass.verdict.observed_text = "HTTP 200";
  pass.outcome.http_status = 200;
  report::CaseResult fail = pass;
  fail.case_name = "expired";
  fail.fault = scenario::Fault::expired;
  fail.version = scenario::TlsVersion::tls1_2;
  fail.verdict.status = report::Status::fail;
  fail.verdict.message = "expired [TLS 1.2]: expected reject at TLS, got HTTP 200 — the gateway accepted an expired certificate";
  report::CaseResult skip = pass;
  skip.case_name = "later";
  skip.verdict.status = report::Status::skipped;
  skip.verdict.message = "skipped: needs OCSP";
  r.cases = {pass, fail, skip};
  return r;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("summary and exit code") {
  auto r = sample();
  auto s = r.summary();
  CHECK(s.total == 3);
  CHECK(s.passed == 1);
  CHECK(s.failed == 1);
  CHECK(s.skipped == 1);
  CHECK(r.exit_code() == 1);
  r.cases.erase(r.cases.begin() + 1);
  CHECK(r.exit_code() == 0);
  r.meta.partial = true;
  CHECK(r.exit_code() == 1);
}

TEST_CASE("every probe refused at TCP means the target is unreachable: exit 3") {
  auto r = sample();
  for (auto& c : r.cases) {
    c.verdict.status = report::Status::fail;
    c.verdict.observed = report::Observed::tcp_failure;
  }
  CHECK(r.exit_code() == 3);
}

TEST_CASE("JSON is canonical and versioned") {
  auto doc = nlohmann::json::parse(report::to_json(sample()));
  CHECK(doc["schema_version"] == report::kSchemaVersion);
  CHECK(doc["summary"]["failed"] == 1);
  CHECK(doc["summary"]["exit_code"] == 1);
  REQUIRE(doc["cases"].size() == 3);
  CHECK(doc["cases"][1]["case"] == "expired");
  CHECK(doc["cases"][1]["tls_version"] == "1.2");
  CHECK(doc["cases"][1]["fault"] == "expired");
  CHECK(doc["cases"][1]["verdict"] == "fail");
  CHECK(doc["cases"][0]["outcome"]["http"]["status"] == 200);
}

TEST_CASE("JUnit: one testcase per case x TLS version, mismatch as failure text, escaped") {
  auto xml = report::to_junit(sample());
  CHECK(count(xml, "<testcase ") == 3);
  CHECK(count(xml, "<failure ") == 1);
  CHECK(count(xml, "<skipped ") == 1);
  CHECK_THAT(xml, Catch::Contains("classname=\"sample &amp; &lt;co&gt;.TLS1.2\" name=\"expired\""));
  CHECK_THAT(xml, Catch::Contains("the gateway accepted an expired certificate"));
  CHECK_THAT(xml, Catch::Contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
}

TEST_CASE("reports are written atomically and a failed write keeps the old report") {
  auto dir = std::filesystem::path(std::getenv("MTLS_BUILD_ROOT")) / "test-scratch" / "report_write";
  std::filesystem::remove_all(dir);
  auto written = report::write_all(sample(), dir);
  REQUIRE(written.size() == 4);  // junit.xml, report.html, summary.md, report.json
  auto before = common::read_file(dir / "report.json");
  CHECK(nlohmann::json::parse(before)["summary"]["total"] == 3);
  // Leftover temporaries would mean a non-atomic write.
  for (const auto& e : std::filesystem::directory_iterator(dir))
    CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);

  if (::geteuid() != 0) {  // root ignores directory permissions
    ::chmod(dir.c_str(), 0555);
    CHECK_THROWS_WITH(report::write_all(report::Report{}, dir), Catch::Contains("cannot create"));
    ::chmod(dir.c_str(), 0755);
    CHECK(common::read_file(dir / "report.json") == before);
  }
}

TEST_CASE("every verdict kind reaches every writer, each the way it is declared") {
  struct Row {
    report::Status status;
    const char* terminal_label;  // the line under the table ("" when none)
    const char* junit;           // the element inside <testcase>, "" for none
    const char* markdown;
    int exit_code;
  } const rows[] = {
      {report::Status::pass, "", "", "✅ pass", 0},
      {report::Status::fail, "MISMATCH", "<failure message=", "❌ fail", 1},
      {report::Status::error, "ERROR", "<error message=", "⚠️ error", 1},
      {report::Status::inconclusive, "INCONCLUSIVE", "type=\"inconclusive\"", "❔ inconclusive", 1},
      {report::Status::not_checkable, "NOT CHECKABLE", "<skipped message=", "🚫 not checkable", 0},
      {report::Status::skipped, "", "<skipped message=", "⏭️ skipped", 0},
  };
  REQUIRE(std::size(rows) == report::kStatuses.size());
  for (const auto& row : rows) {
    const std::string json_name = report::to_string(row.status);
    SECTION(json_name) {
      report::Report r;
      r.meta.scenario_name = "kinds";
      report::CaseResult c;
      c.case_name = "only";
      c.verdict.status = row.status;
      c.verdict.observed_text = "HTTP 200";
      c.verdict.message = "only [TLS 1.3]: the reason for " + json_name;
      r.cases = {c};
      CHECK(r.exit_code() == row.exit_code);
      std::ostringstream terminal;
      report::print_table(r, terminal, false);
      CHECK_THAT(terminal.str(), Catch::Contains(report::words(row.status)));
      if (*row.terminal_label)
        CHECK_THAT(terminal.str(), Catch::Contains(std::string(row.terminal_label) +
                                                   " only [TLS 1.3]: the reason for " + json_name));
      auto doc = nlohmann::json::parse(report::to_json(r));
      CHECK(doc["cases"][0]["verdict"] == json_name);
      CHECK(doc["summary"]["exit_code"] == row.exit_code);
      const auto junit = report::to_junit(r);
      if (*row.junit) CHECK_THAT(junit, Catch::Contains(row.junit));
      else CHECK_THAT(junit, !Catch::Contains("<failure") && !Catch::Contains("<error") &&
                                 !Catch::Contains("<skipped"));
      CHECK_THAT(report::to_markdown(r), Catch::Contains(row.markdown));
      CHECK_THAT(report::to_html(r),
                 Catch::Contains("<span class=\"badge " + json_name + "\">" +
                                 std::string(report::words(row.status)) + "</span>"));
    }
  }
}

TEST_CASE("text from a gateway or a scenario reaches the terminal with its controls escaped") {
  report::Report r;
  r.meta.scenario_name = "evil\x1b]0;pwned\x07";
  report::CaseResult c;
  c.case_name = "name\x1b[2J";
  c.verdict.status = report::Status::fail;
  c.verdict.observed_text = "HTTP 400 (\x1b[31mred\r\x9b)";
  c.verdict.message = "name: got \x1b[2Jcleared \xc2\x9b" "1m";
  r.cases = {c};
  std::ostringstream terminal;
  report::print_table(r, terminal, false);
  const auto out = terminal.str();
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find('\x07') == std::string::npos);
  CHECK(out.find('\r') == std::string::npos);
  CHECK(out.find("\xc2\x9b") == std::string::npos);
  CHECK(out.find('\x9b') == std::string::npos);  // a lone C1 CSI byte, not UTF-8
  CHECK_THAT(out, Catch::Contains("name\\x1b[2J"));
  CHECK_THAT(out, Catch::Contains("evil\\x1b]0;pwned\\x07"));
  CHECK_THAT(out, Catch::Contains("cleared \\xc2\\x9b1m"));
}
