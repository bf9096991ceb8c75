// The example scenario users copy first: it must load clean, with every default resolved.
#include <catch2/catch.hpp>

#include "paths.hpp"
#include "scenario/loader.hpp"

using namespace mtls::scenario;

namespace {

const Case& case_named(const Scenario& s, const std::string& name) {
  for (const auto& c : s.cases)
    if (c.name == name) return c;
  FAIL("no case " << name);
  throw;
}

}  // namespace

TEST_CASE("quickstart.toml loads with no diagnostics", "[loader][quickstart]") {
  auto file = test::source_root() / "scenarios" / "quickstart.toml";
  auto r = load_file(file);
  for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(r.ok());
  const Scenario& s = r.scenario;
  CHECK(s.file == file);
  CHECK(s.name == "quickstart");

  SECTION("pki: written values and defaults") {
    CHECK(s.pki.key_type == KeyType::ec_p256);
    CHECK(s.pki.organization == "mtls-harness");
    CHECK(s.pki.validity_days == 365);
    CHECK(s.pki.ca_validity_days == 3650);
    CHECK(s.pki.server_ips == std::vector<std::string>{"127.0.0.1", "::1"});
    CHECK(s.pki.p12_password == "changeit");
  }

  SECTION("target: embedded, strict, depth from [pki]") {
    CHECK(s.target.kind == TargetKind::embedded);
    CHECK(s.target.profile == "strict");
    CHECK(s.target.verify == VerifyMode::required);
    CHECK(s.target.verify_depth == 2);
    CHECK(s.target.tls_versions == std::vector{TlsVersion::tls1_2, TlsVersion::tls1_3});
    CHECK(s.target.allow.common_names.size() == 3);
    CHECK(s.target.allow.san_uri == std::vector<std::string>{"spiffe://cluster.local/ns/prod/sa/order"});
    CHECK(s.target.timeout_ms == 5000);
    CHECK(s.target.where.line == 15);  // the [target] header
  }

  SECTION("identities: defaults from [pki] and from the fault") {
    REQUIRE(s.identities.size() == 15);
    const Identity* valid = s.find_identity("valid");
    REQUIRE(valid);
    CHECK(valid->common_name == "client-valid");
    CHECK(valid->organization == "Example Corp");
    CHECK(valid->organizational_unit == "payments");
    CHECK(valid->not_before_days == -1);
    CHECK(valid->not_after_days == 365);
    CHECK(valid->generated());

    const Identity* expired = s.find_identity("expired");
    REQUIRE(expired);
    CHECK(expired->fault == Fault::expired);
    CHECK(expired->common_name == "expired");
    CHECK(expired->organization == "mtls-harness");
    CHECK(expired->not_before_days == -30);
    CHECK(expired->not_after_days == -1);

    const Identity* future = s.find_identity("not-yet-valid");
    REQUIRE(future);
    CHECK(future->not_before_days == 1);
    CHECK(future->not_after_days == 366);

    CHECK(s.find_identity("rsa")->key_type == KeyType::rsa_2048);
    CHECK(s.find_identity("ed25519")->key_type == KeyType::ed25519);
    CHECK(s.find_identity("wrong-ca")->key_type == KeyType::ec_p256);
  }

  SECTION("cases: written expectations and implied ones") {
    REQUIRE(s.cases.size() == 16);
    const Case& valid = case_named(s, "valid");
    CHECK(valid.expect.kind == ExpectKind::accept);
    CHECK(valid.expect.seen_identity == "CN=client-valid");
    CHECK_FALSE(valid.expect.reason.has_value());

    const Case& missing = case_named(s, "missing");
    CHECK(missing.identity == "none");
    CHECK(missing.expect.kind == ExpectKind::reject);
    CHECK(missing.expect.reason == Reason::no_certificate);

    const Case& spiffe = case_named(s, "spiffe-order");  // name defaults to the identity's
    CHECK(spiffe.identity == "spiffe-order");
    CHECK(spiffe.expect.kind == ExpectKind::accept);

    const Case& deep = case_named(s, "too-deep");
    CHECK(deep.expect.kind == ExpectKind::reject);
    CHECK(deep.expect.reason == Reason::chain_too_long);
    CHECK(deep.expect.layer == Layer::any);
    CHECK(deep.tls_versions == s.target.tls_versions);
    CHECK(deep.path == "/");
    CHECK(deep.skip.empty());

    const Case& stranger = case_named(s, "stranger");
    CHECK(stranger.expect.kind == ExpectKind::reject);
    CHECK(stranger.expect.reason == Reason::not_allowed);
    CHECK(stranger.expect.status == 403);
    CHECK(stranger.expect.layer == Layer::http);  // a status pins the HTTP layer
  }
}
