// Ctrl-C during a run: the harness stops its load phase, stops the target, still writes the
// report (marked partial) and exits 130.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/files.hpp"
#include "run_cli.hpp"

using namespace mtls;

namespace {

// Polls the harness's output until `text` shows up (or the deadline passes).
bool wait_for_output(const std::filesystem::path& dir, const std::string& text,
                     std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (common::read_file(dir / "harness-output.txt").find(text) != std::string::npos) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("SIGINT and SIGTERM mid-phase: report written, marked partial, exit 130") {
  for (int sig : {SIGINT, SIGTERM}) {
    SECTION(sig == SIGINT ? "SIGINT" : "SIGTERM") {
      auto dir = test::scratch(sig == SIGINT ? "interrupt-int" : "interrupt-term");
      auto file = (test::source_root() / "tests" / "run" / "scenarios" / "long-load.toml").string();
      pid_t pid = test::start_harness({"run", file, "--no-color"}, dir);
      REQUIRE(wait_for_output(dir, "load phase 'long'", std::chrono::seconds(60)));
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // inside the phase
      const auto sent = std::chrono::steady_clock::now();
      ::kill(pid, sig);
      auto r = test::wait_harness(pid, dir);
      const auto took = std::chrono::steady_clock::now() - sent;
      INFO(r.output);
      CHECK(r.exit_code == 130);
      CHECK(took < std::chrono::seconds(10));  // the 60 s phase did not run out
      auto doc = nlohmann::json::parse(common::read_file(dir / "reports" / "long-load" / "report.json"));
      CHECK(doc["meta"]["partial"] == true);
      CHECK_THAT(doc["meta"]["partial_reason"].get<std::string>(),
                 Catch::Contains("stopped by signal " + std::to_string(sig)));
      CHECK(doc["summary"]["passed"] == 2);  // the cases ran before the phase
      REQUIRE(doc["load"].size() == 1);
      CHECK(doc["load"][0]["partial"] == true);
      // The report carries the process's real exit code, and CI sees the suite red.
      CHECK(doc["summary"]["exit_code"] == 130);
      CHECK(doc["meta"]["stop_signal"] == sig);
      const auto junit = common::read_file(dir / "reports" / "long-load" / "junit.xml");
      CHECK_THAT(junit, Catch::Contains("run stopped early"));
      CHECK_THAT(junit, Catch::Contains("errors=\"1\""));
      CHECK_THAT(junit, Catch::Contains("<error message=\"run stopped early: stopped by signal"));
      CHECK_THAT(junit, Catch::Contains("type=\"partial\""));
      CHECK_THAT(junit, Catch::Contains("<property name=\"exit_code\" value=\"130\"/>"));
      CHECK_THAT(common::read_file(dir / "reports" / "long-load" / "summary.md"),
                 Catch::Contains("Exit code 130."));
    }
  }
}
