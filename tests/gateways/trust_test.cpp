// Verdicts that cannot be green by accident, against real gateways: a refusal passes only
// when it can be about the fault under test. Each row starts a gateway with the library, as
// someone else would run it, and gates it with the real binary.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "gateway_support.hpp"
#include "pki/fixtures.hpp"
#include "scenario/loader.hpp"
#include "target/target.hpp"

using namespace mtls;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// A gateway started from a scenario, with its own fixture PKI.
struct Gateway {
  std::unique_ptr<target::RunningTarget> running;
  pki::Fixtures fixtures;
};

Gateway start_gateway(const fs::path& dir, const std::string& scenario_text) {
  const auto file = dir / "gateway.toml";
  common::write_file_atomic(file, scenario_text);
  auto loaded = scenario::load_file(file);
  REQUIRE(loaded.ok());
  pki::Options popts;
  popts.fixtures_root = dir / "gateway-fixtures";
  Gateway g;
  g.fixtures = pki::materialize(loaded.scenario, popts);
  target::StartOptions topts;
  topts.runtime_dir = dir / "gateway-runtime";
  g.running = target::start(loaded.scenario, g.fixtures, topts);
  return g;
}

// The gated side: its own CA (its fixtures are its own), pointed at the gateway by URL.
std::string gated_scenario(const std::string& name, const std::string& profile, int port,
                           const fs::path& server_trust, const std::string& extra_target,
                           const std::string& identities_and_cases) {
  return fmt::format(
      "[scenario]\nname = \"{}\"\n\n[target]\nkind = \"external\"\nprofile = \"{}\"\n"
      "url = \"https://127.0.0.1:{}/\"\nserver_name = \"localhost\"\nca_file = \"{}\"\n{}\n{}",
      name, profile, port, fs::absolute(server_trust).string(), extra_target, identities_and_cases);
}

constexpr const char* kFaultTable = R"(
[[identity]]
name = "valid"
[[identity]]
name = "expired"
fault = "expired"
[[identity]]
name = "revoked"
fault = "revoked"
[[identity]]
name = "wrong-eku"
fault = "wrong-eku"
[[identity]]
name = "wrong-ca"
fault = "wrong-ca"

[[case]]
identity = "valid"
[[case]]
identity = "expired"
[[case]]
identity = "revoked"
[[case]]
identity = "wrong-eku"
[[case]]
identity = "wrong-ca"
)";

// The gated side's CA is named for another company, as a user's own CA would be.
constexpr const char* kOtherCorp = "[pki]\norganization = \"Other Corp\"\n";

// case name x TLS version -> verdict
std::map<std::string, std::string> verdicts(const fs::path& report) {
  std::map<std::string, std::string> out;
  const auto doc = json::parse(common::read_file(report));
  for (const auto& c : doc["cases"])
    out[c["case"].get<std::string>() + " " + c["tls_version"].get<std::string>()] =
        c["verdict"].get<std::string>();
  return out;
}

// Runs `text` as <dir>/gated.toml with its fixtures under <dir>/<fixtures> (the gateway's
// own "gateway-fixtures" when both sides share one PKI) and its reports under <dir>/reports.
test::CliResult gate(const fs::path& dir, const std::string& text,
                     const std::string& fixtures = "fixtures") {
  const auto file = dir / "gated.toml";
  common::write_file_atomic(file, text);
  return test::run_harness({"run", file.string(), "--no-color", "--fixtures",
                            (dir / fixtures).string(), "--reports", (dir / "reports").string()},
                           dir);
}

struct UntrustedRow {
  const char* kind;     // "embedded" or a gateway package
  const char* profile;
  const char* gateway;  // the gateway's scenario: a shipped one
};

}  // namespace

TEST_CASE("a gateway that trusts another CA makes fault cases inconclusive, not pass") {
  const UntrustedRow rows[] = {
      {"embedded", "strict", "scenarios/quickstart.toml"},
      {"nginx", "nginx", "scenarios/nginx-gate.toml"},
      {"haproxy", "haproxy", "scenarios/haproxy-gate.toml"},
  };
  for (const auto& row : rows) {
    SECTION(row.kind) {
      if (std::string(row.kind) != "embedded" && !test::installed(row.kind)) continue;
      const auto dir = test::scratch(std::string("untrusted-") + row.kind);
      auto gw = start_gateway(dir, common::read_file(test::source_root() / row.gateway));
      const std::string name = std::string("other-ca-") + row.kind;
      auto r = gate(dir, gated_scenario(name, row.profile, gw.running->endpoint().port,
                                        gw.fixtures.server_trust, "",
                                        std::string(kOtherCorp) + kFaultTable));
      gw.running->stop();
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK_THAT(r.output, Catch::Contains("client CAs [TLS 1.2]: the gateway accepts CN="));
      CHECK_THAT(r.output,
                 Catch::Contains("expired [TLS 1.2]: inconclusive — the gateway does not trust "
                                 "this identity's issuer (CN="));
      CHECK_THAT(r.output, Catch::Contains("so the refusal says nothing about expiry"));
      CHECK_THAT(r.output, Catch::Contains("so the refusal says nothing about revocation"));
      const auto v = verdicts(dir / "reports" / name / "report.json");
      for (const char* tls : {"1.2", "1.3"}) {
        INFO("TLS " << tls);
        CHECK(v.at(std::string("valid ") + tls) == "fail");
        CHECK(v.at(std::string("expired ") + tls) == "inconclusive");
        CHECK(v.at(std::string("revoked ") + tls) == "inconclusive");
        CHECK(v.at(std::string("wrong-eku ") + tls) == "inconclusive");
        CHECK(v.at(std::string("wrong-ca ") + tls) == "pass");  // about the issuer itself
      }
      const auto doc = json::parse(common::read_file(dir / "reports" / name / "report.json"));
      REQUIRE(doc["client_ca_names"].size() == 2);
      CHECK(doc["client_ca_names"][0]["certificate_requested"] == true);
      CHECK_FALSE(doc["client_ca_names"][0]["names"].empty());
      CHECK(doc["summary"]["inconclusive"] == 6);
    }
  }
}

TEST_CASE("a TLS version the gateway does not offer is one error, not a refusal per case") {
  const auto dir = test::scratch("version-not-offered");
  // Same identities on both sides, so the gateway's CRL lists the gated side's revoked one.
  auto gw = start_gateway(dir, std::string("[scenario]\nname = \"tls12-only\"\n[target]\n"
                                           "tls_versions = [\"1.2\"]\n") + kFaultTable);
  // The gated side uses the gateway's own fixtures: same name, same fixtures root.
  const auto text = gated_scenario("tls12-only", "strict", gw.running->endpoint().port,
                                   gw.fixtures.server_trust, "", kFaultTable);
  auto r = gate(dir, text, "gateway-fixtures");
  gw.running->stop();
  INFO(r.output);
  CHECK(r.exit_code == 1);
  const std::string said = "the gateway does not offer TLS 1.3 (protocol_version alert)";
  const auto first = r.output.find(said);
  REQUIRE(first != std::string::npos);
  // Said once with the explanation; the other TLS 1.3 cases only point at it in the table.
  std::size_t error_lines = 0;
  for (auto at = r.output.find("\nERROR "); at != std::string::npos;
       at = r.output.find("\nERROR ", at + 1))
    ++error_lines;
  CHECK(error_lines == 1);
  CHECK_THAT(r.output, !Catch::Contains("the gateway refused a valid certificate"));
  const auto v = verdicts(dir / "reports" / "tls12-only" / "report.json");
  CHECK(v.at("valid 1.2") == "pass");
  CHECK(v.at("expired 1.2") == "pass");
  for (const char* c : {"valid", "expired", "revoked", "wrong-eku", "wrong-ca"})
    CHECK(v.at(std::string(c) + " 1.3") == "error");
}

TEST_CASE("an accepted client the gateway never asked for a certificate fails the gate") {
  const auto dir = test::scratch("never-asked");
  auto gw = start_gateway(dir, "[scenario]\nname = \"no-ask\"\n[target]\nverify = \"off\"\n"
                               "[[identity]]\nname = \"valid\"\n[[case]]\nidentity = \"valid\"\n");
  const auto text = gated_scenario("no-ask", "strict", gw.running->endpoint().port,
                                   gw.fixtures.server_trust, "",
                                   "[[identity]]\nname = \"valid\"\n[[identity]]\nname = \"expired\"\n"
                                   "fault = \"expired\"\n[[case]]\nidentity = \"valid\"\n"
                                   "[[case]]\nidentity = \"expired\"\n");
  auto r = gate(dir, text, "gateway-fixtures");
  gw.running->stop();
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("valid [TLS 1.3]: expected accept with a verified client "
                                       "certificate, but the gateway never asked for a client certificate"));
  CHECK_THAT(r.output, Catch::Contains("client CAs [TLS 1.3]: the gateway never asked for a client certificate"));
  const auto v = verdicts(dir / "reports" / "no-ask" / "report.json");
  CHECK(v.at("valid 1.2") == "fail");
  CHECK(v.at("expired 1.3") == "fail");  // accepted: verify is off
}

TEST_CASE("nginx: a revoked client refused only by the allow-list is a failure, not a pass") {
  if (!test::installed("nginx")) return;
  const auto dir = test::scratch("refused-by-allow-list");
  const auto file = dir / "allow-only.toml";
  common::write_file_atomic(file, R"(
[scenario]
name = "allow-only"
[target]
kind = "nginx"
template = "allow-cn"
crl = false
[target.allow]
common_names = ["valid"]
[[identity]]
name = "valid"
[[identity]]
name = "revoked"
fault = "revoked"
[[case]]
identity = "valid"
[[case]]
identity = "revoked"
)");
  auto r = test::run_harness({"run", file.string(), "--no-color", "--fixtures",
                              (dir / "fixtures").string(), "--reports", (dir / "reports").string()},
                             dir);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Catch::Contains("revoked [TLS 1.2]: refused by the allow-list (HTTP 403), "
                                       "not for revocation — the certificate got through the "
                                       "gateway's verification: it does not check revocation"));
  const auto v = verdicts(dir / "reports" / "allow-only" / "report.json");
  CHECK(v.at("valid 1.3") == "pass");
  CHECK(v.at("revoked 1.3") == "fail");
}
