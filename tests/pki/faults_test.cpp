// Every fault yields exactly the verification error the manifest promises, checked with
// X509_verify_cert (pki::verify_client) and with the `openssl verify` command.
#include <catch2/catch.hpp>
#include <regex>

#include "pki/verify.hpp"
#include "pki/verify_errors.hpp"
#include "support.hpp"

namespace mtls::pki::test {
namespace {

// The contract of DESIGN.md's fault list, written out independently of verify_errors.cpp.
struct Row {
  const char* identity;
  const char* error;
};
constexpr Row kExpected[] = {
    {"valid", "X509_V_OK"},
    {"expired", "X509_V_ERR_CERT_HAS_EXPIRED"},
    {"not-yet-valid", "X509_V_ERR_CERT_NOT_YET_VALID"},
    {"wrong-ca", "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"},
    {"revoked", "X509_V_ERR_CERT_REVOKED"},
    {"self-signed", "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT"},
    {"wrong-eku", "X509_V_ERR_INVALID_PURPOSE"},
    {"missing-intermediate", "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"},
    {"too-deep", "X509_V_ERR_CERT_CHAIN_TOO_LONG"},
    {"weak-key", "X509_V_ERR_EE_KEY_TOO_SMALL"},
    {"key-mismatch", "X509_V_OK"},
    {"not-allowed", "X509_V_OK"},
    {"key-ec-p256", "X509_V_OK"},
    {"key-ec-p384", "X509_V_OK"},
    {"key-rsa-2048", "X509_V_OK"},
    {"key-rsa-3072", "X509_V_OK"},
    {"key-rsa-4096", "X509_V_OK"},
    {"key-ed25519", "X509_V_OK"},
};

std::vector<std::string> openssl_verify_argv(const Fixtures& f, const IdentityFiles& id) {
  std::vector<std::string> argv = {"openssl", "verify", "-CAfile", f.ca_bundle.string(),
                                   "-CRLfile", f.crl_bundle.string(), "-crl_check_all",
                                   "-purpose", "sslclient", "-verify_depth",
                                   std::to_string(f.verify_depth), "-auth_level", "2"};
  if (!id.chain.empty()) argv.insert(argv.end(), {"-untrusted", id.chain.string()});
  argv.push_back(id.cert.string());
  return argv;
}

}  // namespace

TEST_CASE("the scenario has one identity per row of the expectation table", "[pki]") {
  const auto& f = every_fault_fixtures();
  REQUIRE(f.identities.size() == std::size(kExpected));
  for (const auto& row : kExpected) CHECK(f.find(row.identity) != nullptr);
}

TEST_CASE("X509_verify_cert reports exactly the manifest's expected error", "[pki]") {
  const auto& f = every_fault_fixtures();
  const auto row = GENERATE(from_range(std::begin(kExpected), std::end(kExpected)));
  const auto* id = f.find(row.identity);
  REQUIRE(id != nullptr);
  INFO(id->name << " (" << scenario::to_string(id->fault) << ")");

  CHECK(id->expected_verify_error_name == row.error);
  CHECK(verify_error_name(id->expected_verify_error) == row.error);
  const auto r = verify_client(f, id->cert, id->chain);
  INFO("got " << r.name << " at depth " << r.depth << " (" << r.subject << ")");
  CHECK(r.error == id->expected_verify_error);
  CHECK(r.name == row.error);
  // The fullchain alone carries the same intermediates as cert + chain.
  CHECK(verify_client(f, id->fullchain, {}).error == id->expected_verify_error);
}

TEST_CASE("`openssl verify` names the same first error for every identity", "[pki][cli]") {
  const auto& f = every_fault_fixtures();
  TempDir scratch("cli");
  const auto row = GENERATE(from_range(std::begin(kExpected), std::end(kExpected)));
  const auto* id = f.find(row.identity);
  REQUIRE(id != nullptr);
  const auto out = run_capture(openssl_verify_argv(f, *id), scratch.path());
  INFO(id->name << ":\n" << out.output);

  if (id->expected_verify_error == 0) {
    CHECK(out.exit_code == 0);
    CHECK(out.output.find(id->cert.string() + ": OK") != std::string::npos);
    return;
  }
  CHECK(out.exit_code != 0);
  // The CLI keeps going after some errors; the first one printed is what a verifier stops at.
  std::smatch m;
  const std::regex first_error(R"(error (\d+) at (\d+) depth lookup: ([^\n]*))");
  REQUIRE(std::regex_search(out.output, m, first_error));
  CHECK(std::stoi(m[1]) == id->expected_verify_error);
  CHECK(m[3] == verify_error_text(id->expected_verify_error));
}

TEST_CASE("too-deep exceeds verify_depth by exactly one CA", "[pki][depth]") {
  const int depth = GENERATE(1, 2, 3);
  TempDir dir("depth");
  scenario::Scenario s;
  s.name = "depth";
  s.pki.verify_depth = depth;
  s.identities = {identity("valid", scenario::Fault::none),
                  identity("too-deep", scenario::Fault::too_deep)};
  Options o;
  o.fixtures_root = dir.path();
  auto f = materialize(s, o);
  INFO("verify_depth " << depth);

  const auto* valid = f.find("valid");
  const auto* deep = f.find("too-deep");
  CHECK(verify_client(f, valid->cert, valid->chain).ok());
  const auto r = verify_client(f, deep->cert, deep->chain);
  CHECK(r.name == "X509_V_ERR_CERT_CHAIN_TOO_LONG");
  // One more level of depth and the same chain is fine: the fault is the depth, nothing else.
  f.verify_depth = depth + 1;
  CHECK(verify_client(f, deep->cert, deep->chain).ok());
}

}  // namespace mtls::pki::test
