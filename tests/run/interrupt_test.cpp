// Ctrl-C during a run: the harness stops its load phase, stops the target, still writes the
// report (marked partial) and exits 130. During fixture generation: it stops within a
// second and leaves the previous fixture set as it was.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/files.hpp"
#include "run_cli.hpp"

using namespace mtls;

TEST_CASE("SIGINT and SIGTERM mid-phase: report written, marked partial, exit 130") {
  for (int sig : {SIGINT, SIGTERM}) {
    SECTION(sig == SIGINT ? "SIGINT" : "SIGTERM") {
      auto dir = test::scratch(sig == SIGINT ? "interrupt-int" : "interrupt-term");
      auto file = (test::source_root() / "tests" / "run" / "scenarios" / "long-load.toml").string();
      pid_t pid = test::start_harness({"run", file, "--no-color"}, dir);
      REQUIRE(test::wait_for_output(dir, "load phase 'long'", std::chrono::seconds(60)));
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

namespace {

// Every file below `dir` with its bytes; empty when `dir` is absent.
std::map<std::string, std::string> files_of(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      out[e.path().lexically_relative(dir).string()] = common::read_file(e.path());
  return out;
}

// What an interrupted generation must not leave beside the set: its staging directory.
std::vector<std::string> dot_dirs(const std::filesystem::path& root) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(root))
    if (e.is_directory() && e.path().filename().string().front() == '.')
      out.push_back(e.path().filename().string());
  return out;
}

bool wait_for_staging(const std::filesystem::path& root, pid_t pid, std::chrono::seconds limit) {
  const auto staging = root / (".generation.staging-" + std::to_string(pid));
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(staging)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("SIGINT during fixture generation: exit 130 within a second, the previous set kept") {
  struct Row {
    const char* what;
    std::vector<std::string> args;  // before the scenario file
  };
  const Row row = GENERATE(values<Row>({{"pki --force", {"pki", "--force"}}, {"run", {"run"}}}));
  INFO(row.what);
  auto dir = test::scratch("interrupt-generation");
  const auto scenarios = test::source_root() / "tests" / "run" / "scenarios";
  const auto ec = (scenarios / "generation-ec.toml").string();
  const auto rsa = (scenarios / "generation-rsa4096.toml").string();
  const auto set = dir / "fixtures" / "generation";

  auto first = test::run_harness({"pki", ec}, dir);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  const auto before = files_of(set);
  REQUIRE(before.count("fixtures.state.json") == 1);

  auto args = row.args;
  args.push_back(rsa);
  args.push_back("--no-color");
  if (args.front() == "pki") args.pop_back();
  const pid_t pid = test::start_harness(args, dir);
  REQUIRE(wait_for_staging(dir / "fixtures", pid, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // inside an RSA-4096 key
  const auto sent = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  auto r = test::wait_harness(pid, dir);
  const auto took = std::chrono::steady_clock::now() - sent;
  INFO(r.output);
  CHECK(r.exit_code == 130);
  CHECK(took < std::chrono::milliseconds(1500));
  CHECK_THAT(r.output, Catch::Contains("fixture generation for fixtures/generation stopped by "
                                       "signal 2 while"));
  CHECK_THAT(r.output, Catch::Contains("fixtures/generation was left as it was"));
  CHECK(files_of(set) == before);  // byte for byte: nothing of the new set got in
  CHECK(dot_dirs(dir / "fixtures").empty());

  // The kept set is whole: its state still vouches for every file, and it works.
  auto again = test::run_harness({"pki", ec}, dir);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.output, Catch::Contains("CA reused"));
  auto run = test::run_harness({"run", ec, "--no-color"}, dir);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(files_of(set) == before);
}
