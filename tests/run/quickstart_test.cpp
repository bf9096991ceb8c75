// End to end: the quickstart scenario against the embedded target, through the real binary.
// Every case x TLS version must pass, and each refusal must be the specific alert or status
// a strict gateway gives.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "run_cli.hpp"

using namespace mtls;

namespace {

struct Expected {
  const char* case_name;
  const char* tls12;  // observed text prefix
  const char* tls13;
};

// What the embedded (strict) target answers, per case: the wire truth the quickstart proves.
const Expected kQuickstart[] = {
    {"valid", "HTTP 200", "HTTP 200"},
    {"missing", "TLS alert handshake_failure (during", "TLS alert certificate_required (after"},
    {"expired", "TLS alert certificate_expired (during", "TLS alert certificate_expired (after"},
    {"wrong-ca", "TLS alert unknown_ca (during", "TLS alert unknown_ca (after"},
    {"revoked", "TLS alert certificate_revoked (during", "TLS alert certificate_revoked (after"},
    {"spiffe-order", "HTTP 200", "HTTP 200"},
    {"rsa", "HTTP 200", "HTTP 200"},
    {"ed25519", "HTTP 200", "HTTP 200"},
    {"not-yet-valid", "TLS alert bad_certificate (during", "TLS alert bad_certificate (after"},
    {"self-signed", "TLS alert unknown_ca (during", "TLS alert unknown_ca (after"},
    {"wrong-eku", "TLS alert unsupported_certificate (during", "TLS alert unsupported_certificate (after"},
    {"missing-intermediate", "TLS alert unknown_ca (during", "TLS alert unknown_ca (after"},
    {"too-deep", "TLS alert unknown_ca (during", "TLS alert unknown_ca (after"},
    {"weak-key", "TLS alert bad_certificate (during", "TLS alert bad_certificate (after"},
    {"key-mismatch", "TLS alert decrypt_error (during", "TLS alert decrypt_error (after"},
    {"stranger", "HTTP 403", "HTTP 403"},
};

}  // namespace

TEST_CASE("quickstart: every case passes against the embedded target, with the specific refusal") {
  auto dir = test::scratch("quickstart");
  auto scenario = (test::source_root() / "scenarios" / "quickstart.toml").string();
  auto r = test::run_harness({"run", scenario, "--no-color"}, dir);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("32 passed, 0 failed, 0 errors, 0 skipped of 32"));

  auto doc = nlohmann::json::parse(common::read_file(dir / "reports" / "quickstart" / "report.json"));
  CHECK(doc["summary"]["passed"] == 32);
  CHECK(doc["meta"]["partial"] == false);
  for (const auto& row : kQuickstart) {
    for (const auto& c : doc["cases"]) {
      if (c["case"] != row.case_name) continue;
      const std::string want = c["tls_version"] == "1.2" ? row.tls12 : row.tls13;
      INFO(row.case_name << " TLS " << c["tls_version"].get<std::string>());
      CHECK_THAT(c["observed"].get<std::string>(), Catch::StartsWith(want));
      CHECK(c["verdict"] == "pass");
    }
  }
  // The backend saw the verified identity of the valid client.
  for (const auto& c : doc["cases"])
    if (c["case"] == "valid") CHECK_THAT(c["outcome"]["http"]["headers"]["x-client-dn"].get<std::string>(),
                                         Catch::Contains("CN=client-valid"));
  CHECK(std::filesystem::exists(dir / "reports" / "quickstart" / "junit.xml"));
}
