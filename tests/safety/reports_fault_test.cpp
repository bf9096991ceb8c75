// A report that cannot be written (no such directory, a write that fails midway): the run
// says which path and why, leaves no half-written or temporary file, and the report of the
// previous run stays byte for byte as it was. These need no privileges; a full disk and a
// read-only file system are in reports_mount_test.cpp.
#include <catch2/catch.hpp>

#include <fstream>

#include "safety_support.hpp"

using namespace mtls;

namespace {

struct Earlier {
  std::filesystem::path dir;  // <reports>/small
  std::vector<std::string> files;
  std::string report_json, junit_xml;
};

// A successful run whose report the failing run must not disturb.
Earlier first_run(const std::filesystem::path& work) {
  auto r = test::run_harness({"run", test::small_scenario().string(), "--reports", "reports",
                              "--fixtures", "fixtures", "--no-color"},
                             work);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  Earlier e;
  e.dir = work / "reports" / "small";
  e.files = test::files_below(e.dir);
  e.report_json = test::slurp(e.dir / "report.json");
  e.junit_xml = test::slurp(e.dir / "junit.xml");
  REQUIRE(e.files == std::vector<std::string>{"junit.xml", "report.json"});
  return e;
}

void require_untouched(const Earlier& e) {
  CHECK(test::files_below(e.dir) == e.files);  // no *.tmp.<pid>, no new half file
  CHECK(test::slurp(e.dir / "report.json") == e.report_json);
  CHECK(test::slurp(e.dir / "junit.xml") == e.junit_xml);
}

}  // namespace

TEST_CASE("reports root below a regular file: the run names the path and the error") {
  auto work = test::scratch("safety-reports-notdir");
  { std::ofstream(work / "blocker") << "a file where a directory was expected\n"; }
  auto r = test::run_harness({"run", test::small_scenario().string(), "--reports",
                              "blocker/reports", "--fixtures", "fixtures", "--no-color"},
                             work);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("mtls-harness: cannot write the report: cannot create "
                                       "directory blocker/reports/small: Not a directory"));
  for (const auto& f : test::files_below(work)) CHECK_THAT(f, !Catch::Contains(".tmp."));
}

TEST_CASE("a write that fails midway (file size limit, EFBIG) leaves the earlier report whole") {
  auto work = test::scratch("safety-reports-efbig");
  const Earlier e = first_run(work);
  // junit.xml (< 1 KiB) fits under the limit, report.json (~4 KiB) does not: the pair is
  // staged together, so neither may replace its predecessor.
  REQUIRE(e.junit_xml.size() < 2048);
  REQUIRE(e.report_json.size() > 2048);
  auto r = test::run_harness_file_limit({"run", test::small_scenario().string(), "--reports",
                                         "reports", "--fixtures", "fixtures", "--no-color"},
                                        work, 2048);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("mtls-harness: cannot write the report: cannot write "
                                       "reports/small/report.json.tmp."));
  CHECK_THAT(r.output, Catch::Contains(": File too large"));
  CHECK_THAT(r.output, !Catch::Contains("wrote reports/small/"));
  require_untouched(e);
}
