// A report that cannot be written (no such directory, a write that fails midway): the run
// says which path and why, leaves no half-written or temporary file, and the report of the
// previous run stays byte for byte as it was. These need no privileges; a full disk and a
// read-only file system are in reports_mount_test.cpp.
#include <catch2/catch.hpp>

#include <fstream>

#include "safety_support.hpp"

using namespace mtls;

namespace {

const std::vector<std::string> kReportFiles{"junit.xml", "report.html", "report.json",
                                           "summary.md"};

struct Earlier {
  std::filesystem::path dir;  // <reports>/small
  test::DirSnapshot files;
};

// A successful run whose report the failing run must not disturb.
Earlier first_run(const std::filesystem::path& work) {
  auto r = test::run_harness({"run", test::small_scenario().string(), "--reports", "reports",
                              "--fixtures", "fixtures", "--no-color"},
                             work);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  Earlier e{work / "reports" / "small", {}};
  e.files = test::snapshot(e.dir);
  REQUIRE(test::files_below(e.dir) == kReportFiles);
  return e;
}

void require_untouched(const Earlier& e) { CHECK(test::snapshot(e.dir) == e.files); }

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
  // junit.xml (< 1 KiB, staged first) fits under the limit, report.html (tens of KiB) does
  // not: the files are staged together, so none may replace its predecessor.
  REQUIRE(e.files.at("junit.xml").size() < 2048);
  REQUIRE(e.files.at("report.html").size() > 2048);
  auto r = test::run_harness_file_limit({"run", test::small_scenario().string(), "--reports",
                                         "reports", "--fixtures", "fixtures", "--no-color"},
                                        work, 2048);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("mtls-harness: cannot write the report: cannot write "
                                       "reports/small/report.html.tmp."));
  CHECK_THAT(r.output, Catch::Contains(": File too large"));
  CHECK_THAT(r.output, !Catch::Contains("wrote reports/small/"));
  require_untouched(e);
}
