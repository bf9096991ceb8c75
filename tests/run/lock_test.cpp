// Two runs of one scenario at the same time: the second waits for the first (a bounded time,
// MTLS_HARNESS_LOCK_WAIT_MS here) and then exits 2 naming the holder's PID and the lock file;
// every run has its own runtime directory for a launched gateway.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include "common/file_lock.hpp"
#include "common/files.hpp"
#include "run_cli.hpp"

using namespace mtls;
namespace fs = std::filesystem;

namespace {

using std::chrono::milliseconds;

// Children inherit it: how long a harness started now waits for a lock.
struct LockWait {
  explicit LockWait(const char* ms) { ::setenv("MTLS_HARNESS_LOCK_WAIT_MS", ms, 1); }
  ~LockWait() { ::unsetenv("MTLS_HARNESS_LOCK_WAIT_MS"); }
};

struct Shared {
  fs::path fixtures, reports;
  std::vector<std::string> run_args(const std::string& scenario) const {
    return {"run", scenario, "--fixtures", fixtures.string(), "--reports", reports.string(),
            "--no-color"};
  }
};

Shared shared(const std::string& name) {
  const auto root = test::scratch(name);
  return {root / "fixtures", root / "reports"};
}

std::string long_load() {
  return (test::source_root() / "tests" / "run" / "scenarios" / "long-load.toml").string();
}

}  // namespace

TEST_CASE("a second run of a scenario waits for the first, then exits 2 naming its PID") {
  const auto s = shared("lock-runs");
  const auto first_dir = test::scratch("lock-runs-first");
  const auto second_dir = test::scratch("lock-runs-second");
  const pid_t first = test::start_harness(s.run_args(long_load()), first_dir);
  REQUIRE(test::wait_for_output(first_dir, "load phase 'long'", std::chrono::seconds(60)));

  SECTION("the wait runs out: exit 2, the holder and the lock file named") {
    LockWait wait("600");
    const auto started = std::chrono::steady_clock::now();
    auto r = test::run_harness(s.run_args(long_load()), second_dir);
    const auto took = std::chrono::steady_clock::now() - started;
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(
        "report directory " + (s.reports / "long-load").string() +
        " is in use by another mtls-harness, PID " + std::to_string(first) + " (lock file " +
        (s.reports / ".long-load.lock").string() + "); waited 0.6 s"));
    CHECK_THAT(r.output, Catch::Contains("MTLS_HARNESS_LOCK_WAIT_MS"));
    CHECK(took >= milliseconds(600));
    CHECK(took < std::chrono::seconds(10));
    ::kill(first, SIGINT);
    CHECK(test::wait_harness(first, first_dir).exit_code == 130);
  }
  SECTION("the wait is long enough: the second run goes ahead once the first is done") {
    LockWait wait("60000");
    const pid_t second = test::start_harness(s.run_args(long_load()), second_dir);
    // Held back: it does not get as far as the load phase while the first one runs.
    CHECK_FALSE(test::wait_for_output(second_dir, "load phase 'long'", milliseconds(1500)));
    ::kill(first, SIGINT);
    CHECK(test::wait_harness(first, first_dir).exit_code == 130);
    CHECK(test::wait_for_output(second_dir, "load phase 'long'", std::chrono::seconds(30)));
    ::kill(second, SIGINT);
    auto r = test::wait_harness(second, second_dir);
    INFO(r.output);
    CHECK(r.exit_code == 130);
    CHECK_THAT(r.output, !Catch::Contains("in use by another"));
  }
}

TEST_CASE("a fixture set being generated is locked: pki waits, then names the holder") {
  const auto s = shared("lock-fixtures");
  const auto dir = test::scratch("lock-fixtures-pki");
  // This test process holds the lock, as a generating harness would.
  const auto lock = common::FileLock::acquire(s.fixtures / ".long-load.lock", milliseconds(0),
                                              "test");
  LockWait wait("300");
  auto r = test::run_harness({"pki", long_load(), "--fixtures", s.fixtures.string()}, dir);
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Catch::Contains("fixture set " + (s.fixtures / "long-load").string() +
                                       " is in use by another mtls-harness, PID " +
                                       std::to_string(::getpid()) + " (lock file " +
                                       (s.fixtures / ".long-load.lock").string() + ")"));
  CHECK_FALSE(fs::exists(s.fixtures / "long-load"));
}

TEST_CASE("every run has its own runtime directory; target points at the last one") {
  const auto s = shared("lock-runtime");
  const auto scenario =
      (test::source_root() / "tests" / "run" / "scenarios" / "nginx-no-crl.toml").string();
  std::vector<pid_t> pids;
  for (int i = 0; i < 2; ++i) {
    const auto dir = test::scratch("lock-runtime-" + std::to_string(i));
    const pid_t pid = test::start_harness(s.run_args(scenario), dir);
    auto r = test::wait_harness(pid, dir);
    INFO(r.output);
    REQUIRE(r.exit_code == 1);  // the gate catches the missing CRL; the target ran
    pids.push_back(pid);
  }
  const auto report = s.reports / "nginx-no-crl";
  const auto mine = report / ("target-" + std::to_string(pids[1]));
  CHECK(fs::is_symlink(report / "target"));
  CHECK(fs::read_symlink(report / "target") == mine.filename());
  CHECK_THAT(common::read_file(report / "target" / "include" / "main.conf"), Catch::Contains(mine.string()));
  CHECK(fs::exists(mine / "error.log"));
  CHECK_FALSE(fs::exists(report / ("target-" + std::to_string(pids[0]))));  // the earlier one
}
