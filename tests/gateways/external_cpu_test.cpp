// `[target] pid` / `pid_file`: the CPU of a gateway the harness did not start, but that runs
// on this host, is charged to the target per handshake, as for a launched one.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "gateway_support.hpp"
#include "pki/fixtures.hpp"
#include "scenario/loader.hpp"
#include "target/target.hpp"

using namespace mtls;
namespace fs = std::filesystem;

TEST_CASE("an external gateway's CPU is measured from its pid or pid file") {
  if (!test::installed("nginx")) return;
  const auto dir = test::scratch("external-cpu");
  auto loaded = scenario::load_file(test::source_root() / "scenarios" / "nginx-gate.toml");
  REQUIRE(loaded.ok());
  auto s = loaded.scenario;
  s.name = "external-cpu";  // the gated run below finds and keeps these fixtures
  pki::Options popts;
  popts.fixtures_root = dir / "fixtures";
  const auto f = pki::materialize(s, popts);
  target::StartOptions topts;
  topts.runtime_dir = dir / "gateway";
  auto gateway = target::start(s, f, topts);
  const pid_t pid = gateway->pid();
  REQUIRE(pid > 0);
  common::write_file_atomic(dir / "gateway.pid", fmt::format("{}\n", pid));

  struct Row {
    const char* what;
    std::string key;  // the [target] line naming the process
    int exit_code;
    const char* says;
  } const rows[] = {
      {"pid", fmt::format("pid = {}", pid), 0, ""},
      {"pid_file", "pid_file = \"gateway.pid\"", 0, ""},
      {"pid_file naming nothing", "pid_file = \"missing.pid\"", 3, "missing.pid"},
  };
  for (const auto& row : rows) {
    SECTION(row.what) {
      const auto file = dir / "external-cpu.toml";
      common::write_file_atomic(
          file, fmt::format("[scenario]\nname = \"external-cpu\"\n[target]\nkind = \"external\"\n"
                            "profile = \"nginx\"\nurl = \"https://127.0.0.1:{}/\"\n"
                            "server_name = \"localhost\"\nca_file = \"{}\"\n{}\n"
                            "[[identity]]\nname = \"valid\"\ncommon_name = \"client-valid\"\n"
                            "[[load]]\nname = \"cpu\"\nconnections = 2\nduration_s = 1\nidentity = \"valid\"\n",
                            gateway->endpoint().port, fs::absolute(f.server_trust).string(), row.key));
      auto r = test::run_harness({"run", file.string(), "--no-color", "--fixtures",
                                  (dir / "fixtures").string(), "--reports", (dir / "reports").string()},
                                 dir);
      INFO(r.output);
      CHECK(r.exit_code == row.exit_code);
      if (row.exit_code != 0) {
        CHECK_THAT(r.output, Catch::Contains(row.says) && Catch::Contains("no such process"));
        return;
      }
      const auto doc = nlohmann::json::parse(
          common::read_file(dir / "reports" / "external-cpu" / "report.json"));
      const auto& cpu = doc["load"][0]["cpu"];
      CHECK(cpu["target_source"] == fmt::format("pid {} (+ children)", pid));
      REQUIRE(cpu["target_us_per_handshake"].is_number());
      CHECK(cpu["target_us_per_handshake"].get<double>() > 0);
      CHECK(doc["meta"]["partial"] == false);  // someone else's pid is not our exited child
    }
  }
  gateway->stop();
}
