// summary.md and the files write_all produces, GITHUB_STEP_SUMMARY included.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "common/files.hpp"
#include "report/report.hpp"
#include "sample_report.hpp"

using namespace mtls;

namespace {

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::path(std::getenv("MTLS_BUILD_ROOT")) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Sets an environment variable for one scope.
struct EnvVar {
  std::string name;
  EnvVar(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~EnvVar() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("summary.md: verdict line, mismatches first, passing checks folded") {
  const auto md = report::to_markdown(test::sample_report());
  CHECK(md.rfind("## ❌ mtls-harness: sample \\<&\\> \"quoted\"\n", 0) == 0);
  CHECK_THAT(md, Catch::Contains("**3 passed, 1 failed, 1 errors, 1 skipped** of 6 case × TLS version checks; "
                                 "2 load phases, 1 gate failed. Exit code 1."));
  const auto mismatches = md.find("### Mismatches");
  const auto folded = md.find("<details><summary>4 other checks</summary>");
  REQUIRE(mismatches != std::string::npos);
  REQUIRE(folded != std::string::npos);
  CHECK(mismatches < folded);
  // Table cells cannot be broken by a '|' or markup in a case name or an observation.
  CHECK_THAT(md, Catch::Contains("| expired \\<script\\>alert(1)\\</script\\> | 1.3 | reject at TLS alert "
                                 "certificate\\_expired (certificate\\_expired) | HTTP 200 \\| \"accepted\" | ❌ fail |"));
  CHECK(md.find("<script>") == std::string::npos);
}

TEST_CASE("summary.md: each load phase with its percentile table and gates") {
  const auto md = report::to_markdown(test::sample_report());
  CHECK_THAT(md, Catch::Contains("### Load phase full-handshakes ✅"));
  CHECK_THAT(md, Catch::Contains("### Load phase resumed & mixed ❌"));
  CHECK(std::count(md.begin(), md.end(), '\n') > 30);
  CHECK_THAT(md, Catch::Contains("| latency (ms) | count | min | p50 | p90 | p99 | p99.9 | max |"));
  CHECK_THAT(md, Catch::Contains("| handshake resumed | 2250 |"));
  CHECK_THAT(md, Catch::Contains("| total uncorrected | 3000 |"));  // open loop only
  CHECK_THAT(md, Catch::Contains("| error\\_rate\\_max | 0 | 0.004315 | ❌ fail |"));
  CHECK_THAT(md, Catch::Contains("Resumption (psk): offered 2300, accepted 2250 (97.8 %)"));
  CHECK_THAT(md, Catch::Contains("`tls_alert:certificate_expired` 12;"));
}

TEST_CASE("summary.md: markdown_escape") {
  const struct {
    const char* raw;
    const char* escaped;
  } rows[] = {
      {"a|b", "a\\|b"},
      {"*x* _y_ `z`", "\\*x\\* \\_y\\_ \\`z\\`"},
      {"<b>[l](u)", "\\<b\\>\\[l\\](u)"},
      {"line\nbreak", "line break"},
      {"# h", "\\# h"},
  };
  for (const auto& row : rows) CHECK(report::markdown_escape(row.raw) == row.escaped);
}

TEST_CASE("write_all: every file, atomically, and summary.md appended to GITHUB_STEP_SUMMARY") {
  const auto dir = scratch("report-write-all");
  const auto step_summary = dir / "step_summary.md";
  common::write_file_atomic(step_summary, "earlier step\n");
  EnvVar env("GITHUB_STEP_SUMMARY", step_summary.string());
  const auto r = test::sample_report();
  std::ostringstream warnings;
  const auto written = report::write_all(r, dir / "out", warnings);
  CHECK(warnings.str() == "");
  std::vector<std::string> names;
  for (const auto& p : written) names.push_back(p.filename().string());
  CHECK(names == std::vector<std::string>{"junit.xml", "report.html", "summary.md", "report.json"});
  CHECK(common::read_file(dir / "out" / "report.html") == report::to_html(r));
  const auto md = report::to_markdown(r);
  CHECK(common::read_file(dir / "out" / "summary.md") == md);
  for (const auto& entry : std::filesystem::directory_iterator(dir / "out"))
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);

  // A second run in the same job adds its summary after the first one.
  report::write_all(r, dir / "out", warnings);
  CHECK(common::read_file(step_summary) == "earlier step\n" + md + "\n" + md + "\n");
}

TEST_CASE("write_all: an unwritable GITHUB_STEP_SUMMARY is a warning, the reports are still written") {
  const auto dir = scratch("report-step-summary-unwritable");
  const auto bad = dir / "no-such-dir" / "summary.md";
  EnvVar env("GITHUB_STEP_SUMMARY", bad.string());
  std::ostringstream warnings;
  const auto written = report::write_all(test::sample_report(), dir / "out", warnings);
  CHECK(written.size() == 4);
  CHECK(std::filesystem::exists(dir / "out" / "report.json"));
  CHECK_THAT(warnings.str(), Catch::Contains("mtls-harness: warning: cannot append the summary to "
                                             "GITHUB_STEP_SUMMARY=" + bad.string() +
                                             ": No such file or directory"));
}

TEST_CASE("write_all: without GITHUB_STEP_SUMMARY nothing else is touched") {
  ::unsetenv("GITHUB_STEP_SUMMARY");
  CHECK_FALSE(report::append_to_step_summary("x").has_value());
}
