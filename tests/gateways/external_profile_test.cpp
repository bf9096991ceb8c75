// `target.profile = "<gateway>"` with kind = "external": a gateway someone else runs is read
// with that gateway's profile. Here "someone else" is the harness library, which starts the
// gateway from its gate scenario; the binary then gates it by URL through the same fixtures.
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

namespace {

// The gate scenario's text with its [target] table replaced by an external one.
std::string as_external(const std::string& gate, const std::string& name, int port,
                        const fs::path& ca_file, const std::string& profile) {
  std::string text = gate;
  const auto name_at = text.find("name = \"");
  text.replace(name_at, text.find('\n', name_at) - name_at, fmt::format("name = \"{}\"", name));
  const auto begin = text.find("[target]\n");
  const auto end = text.find("[target.allow]");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const auto target = fmt::format(
      "[target]\nkind = \"external\"\nprofile = \"{}\"\nurl = \"https://127.0.0.1:{}/\"\n"
      "server_name = \"localhost\"\nca_file = \"{}\"\n\n",
      profile, port, ca_file.string());
  return text.replace(begin, end - begin, target);
}

}  // namespace

TEST_CASE("an external gateway is read with the profile named in [target] profile") {
  for (const char* kind : {"haproxy", "apache", "caddy"}) {
    SECTION(kind) {
      if (!test::installed(kind)) continue;
      const auto dir = test::scratch(std::string("external-") + kind);
      const auto gate_file = test::source_root() / "scenarios" / (std::string(kind) + "-gate.toml");
      const std::string name = std::string(kind) + "-external";

      auto loaded = scenario::load_file(gate_file);
      REQUIRE(loaded.ok());
      auto s = loaded.scenario;
      s.name = name;  // the external run below finds and keeps these fixtures
      pki::Options popts;
      popts.fixtures_root = dir / "fixtures";
      const auto f = pki::materialize(s, popts);
      target::StartOptions topts;
      topts.runtime_dir = dir / "gateway";
      auto gateway = target::start(s, f, topts);

      const auto file = dir / "external.toml";
      common::write_file_atomic(file, as_external(common::read_file(gate_file), name,
                                                  gateway->endpoint().port,
                                                  fs::absolute(f.server_trust), kind));
      auto r = test::run_harness(
          {"run", file.string(), "--no-color", "--fixtures", (dir / "fixtures").string()}, dir);
      gateway->stop();
      INFO(r.output);
      CHECK(r.exit_code == 0);
      CHECK_THAT(r.output, Catch::Contains(", 0 failed, 0 errors"));
      const auto doc = nlohmann::json::parse(
          common::read_file(dir / "reports" / name / "report.json"));
      CHECK(doc["meta"]["target_kind"] == "external");
      CHECK(doc["meta"]["profile"] == kind);
    }
  }
}
