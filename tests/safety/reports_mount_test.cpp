// A full disk and a read-only file system under the reports directory, for real: a 64 KiB
// tmpfs (and a read-only remount of it) in a private mount namespace of this test process,
// which the harness it starts inherits. Needs CAP_SYS_ADMIN (CI runs as root); where the
// machine does not allow it the test exits 77, which meson reports as skipped, not passed.
#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sched.h>
#include <sys/mount.h>

#include "safety_support.hpp"

using namespace mtls;

namespace {

constexpr int kSkip = 77;

void enter_private_mount_namespace() {
  static bool done = false;
  if (done) return;
  if (::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    std::cout << "skipped: cannot make a private mount namespace here (" << std::strerror(errno)
              << "); the no-privilege variants in reports_fault_test.cpp still ran\n";
    std::exit(kSkip);
  }
  done = true;
}

void mount_small_tmpfs(const std::filesystem::path& dir) {
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k,mode=0755") != 0) {
    std::cout << "skipped: cannot mount a tmpfs on " << dir << " (" << std::strerror(errno)
              << ")\n";
    std::exit(kSkip);
  }
}

std::vector<std::string> run_args() {
  return {"run", test::small_scenario().string(), "--reports", "reports", "--fixtures",
          "fixtures", "--no-color"};
}

struct Earlier {
  std::filesystem::path dir;
  test::DirSnapshot files;
};

Earlier first_run(const std::filesystem::path& work) {
  auto r = test::run_harness(run_args(), work);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return {work / "reports" / "small", test::snapshot(work / "reports" / "small")};
}

void require_untouched(const Earlier& e) { CHECK(test::snapshot(e.dir) == e.files); }

}  // namespace

TEST_CASE("disk full under the reports directory: ENOSPC named, earlier report whole") {
  enter_private_mount_namespace();
  auto work = test::scratch("safety-reports-enospc");
  std::filesystem::create_directories(work / "reports");
  mount_small_tmpfs(work / "reports");
  const Earlier e = first_run(work);
  // Fill what is left, in bounded steps, until the file system says it is full.
  {
    std::FILE* filler = std::fopen((work / "reports" / "filler").c_str(), "wb");
    REQUIRE(filler);
    static const char block[1024] = {};
    bool full = false;
    for (int i = 0; i < 128 && !full; ++i)
      full = std::fwrite(block, 1, sizeof block, filler) < sizeof block || std::fflush(filler) != 0;
    std::fclose(filler);
    REQUIRE(full);
  }
  auto r = test::run_harness(run_args(), work);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("mtls-harness: cannot write the report: cannot write "
                                       "reports/small/junit.xml.tmp."));
  CHECK_THAT(r.output, Catch::Contains(": No space left on device"));
  require_untouched(e);
  ::umount((work / "reports").c_str());
}

TEST_CASE("read-only file system under the reports directory: EROFS named, earlier report whole") {
  enter_private_mount_namespace();
  auto work = test::scratch("safety-reports-erofs");
  std::filesystem::create_directories(work / "reports");
  mount_small_tmpfs(work / "reports");
  const Earlier e = first_run(work);
  REQUIRE(::mount(nullptr, (work / "reports").c_str(), nullptr, MS_REMOUNT | MS_RDONLY,
                  nullptr) == 0);
  auto r = test::run_harness(run_args(), work);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("mtls-harness: cannot write the report: cannot create "
                                       "reports/small/junit.xml.tmp."));
  CHECK_THAT(r.output, Catch::Contains(": Read-only file system"));
  require_untouched(e);
  ::umount((work / "reports").c_str());
}
