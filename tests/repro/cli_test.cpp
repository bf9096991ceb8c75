// The two subcommands through the real binary: output and exit codes.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "common/process.hpp"
#include "repro_support.hpp"

using namespace mtls;

namespace {

pki::test::Captured harness(std::vector<std::string> args) {
  const char* bin = std::getenv("MTLS_HARNESS_BIN");
  REQUIRE(bin != nullptr);
  args.insert(args.begin(), bin);
  return pki::test::run_capture(args, repro::test::scratch());
}

std::vector<std::string> dirs() {
  const auto& s = repro::test::scratch();
  return {"--scenarios", (repro::test::source_root() / "scenarios" / "repro").string(),
          "--fixtures", (s / "fixtures").string(), "--work", (s / "cli-work").string()};
}

}  // namespace

TEST_CASE("repro --list prints the catalogue; an unknown name is a usage error", "[repro][cli]") {
  const auto list = harness({"repro", "--list"});
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.output, Catch::Contains("no-client-cert") && Catch::Contains("app-never-sends-cert") &&
                              Catch::Contains("name-mismatch"));
  const auto bad = harness({"repro", "no-such-failure"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Catch::Contains("no entry named 'no-such-failure'"));
}

TEST_CASE("repro NAME reproduces, prints every side and exits 0", "[repro][cli]") {
  auto args = std::vector<std::string>{"repro", "no-client-cert", "--target", "embedded", "--tls", "1.3"};
  for (auto& d : dirs()) args.push_back(d);
  const auto r = harness(args);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("curl: (56)") &&
                           Catch::Contains("tlsv13 alert certificate required") &&
                           Catch::Contains("SSL alert number 116") &&
                           Catch::Contains("certificate_required (116) fatal by the server, after the handshake") &&
                           Catch::Contains("curl --cacert ") &&
                           Catch::Contains("reproduced: every claim of the catalogue held"));
}

TEST_CASE("diagnose exits 3 when nothing listens", "[repro][cli][diagnose]") {
  auto args = std::vector<std::string>{"repro", "unknown-ca", "--tls", "1.2", "--no-s-client"};
  for (auto& d : dirs()) args.push_back(d);
  REQUIRE(harness(args).exit_code == 0);  // materializes the fixtures used below
  const auto dir = repro::test::scratch() / "fixtures" / "repro-unknown-ca" / "clients" / "valid";
  const auto r = harness({"diagnose", "--url",
                          "https://127.0.0.1:" + std::to_string(common::free_loopback_port()) + "/",
                          "--cert", (dir / "fullchain.pem").string(), "--key",
                          (dir / "key.pem").string(), "--timeout-ms", "2000"});
  INFO(r.output);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.output, Catch::Contains("verdict: unreachable"));
}
