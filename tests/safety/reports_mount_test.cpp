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
    std::cout << "SKIP: cannot make a private mount namespace here (" << std::strerror(errno)
              << "); the no-privilege variants in reports_fault_test.cpp still ran\n";
    std::exit(kSkip);
  }
  done = true;
}

void mount_small_tmpfs(const std::filesystem::path& dir) {
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k,mode=0755") != 0) {
    std::cout << "SKIP: cannot mount a tmpfs on " << dir << " (" << std::strerror(errno)
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

// A reports directory on its own small tmpfs, a first good run, then `spoil` breaks the file
// system; the next run must fail naming `expected` (the path) and `error`, leaving the earlier
// report set as it was.
void check_unwritable(const std::string& name, void (*spoil)(const std::filesystem::path&),
                      const std::string& expected, const std::string& error) {
  enter_private_mount_namespace();
  auto work = test::scratch(name);
  const auto reports = work / "reports";
  std::filesystem::create_directories(reports);
  mount_small_tmpfs(reports);
  const Earlier e = first_run(work);
  spoil(reports);
  auto r = test::run_harness(run_args(), work);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("mtls-harness: cannot write the report: " + expected));
  CHECK_THAT(r.output, Catch::Contains(": " + error));
  require_untouched(e);
  ::umount(reports.c_str());
}

// Fills what is left, in bounded steps, until the file system says it is full.
void fill_up(const std::filesystem::path& reports) {
  std::FILE* filler = std::fopen((reports / "filler").c_str(), "wb");
  REQUIRE(filler);
  static const char block[1024] = {};
  bool full = false;
  for (int i = 0; i < 128 && !full; ++i)
    full = std::fwrite(block, 1, sizeof block, filler) < sizeof block || std::fflush(filler) != 0;
  std::fclose(filler);
  REQUIRE(full);
}

void remount_read_only(const std::filesystem::path& reports) {
  REQUIRE(::mount(nullptr, reports.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0);
}

}  // namespace

TEST_CASE("disk full under the reports directory: ENOSPC named, earlier report whole") {
  check_unwritable("safety-reports-enospc", fill_up, "cannot write reports/small/junit.xml.tmp.",
                   "No space left on device");
}

TEST_CASE("read-only file system under the reports directory: EROFS named, earlier report whole") {
  check_unwritable("safety-reports-erofs", remount_read_only,
                   "cannot create reports/small/junit.xml.tmp.", "Read-only file system");
}
