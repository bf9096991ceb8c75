// The fixture PKI's OCSP answers, read back with OpenSSL: signed by the issuing CA and
// verifiable against the root, the nonce echoed, and good / revoked (time, reason) / unknown
// as each identity says; malformed and foreign requests refused the way RFC 6960 says.
#include <catch2/catch.hpp>

#include "ocsp_support.hpp"
#include "pki/ocsp_ledger.hpp"
#include "scenario/loader.hpp"

using namespace mtls;
using scenario::OcspStatus;

namespace {

struct Leaf {
  pki::ossl::Cert cert;
  pki::ossl::Cert issuer;
};

Leaf leaf(const std::string& name) {
  const auto* files = ocsp_test::status_fixtures().find(name);
  REQUIRE(files);
  return {pki::ossl::read_cert(files->cert), std::move(pki::ossl::read_certs(files->chain).front())};
}

const pki::OcspLedger& ledger() {
  static const auto l = pki::OcspLedger::load(ocsp_test::status_scenario(), ocsp_test::status_fixtures());
  return l;
}

std::time_t not_before(X509* cert) {
  std::tm tm{};
  ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm);
  return timegm(&tm);
}

}  // namespace

TEST_CASE("each identity's OCSP status, signed by its issuer and verifiable", "[ocsp][responses]") {
  struct Row {
    const char* identity;
    int status;
    const char* signer;  // RFC 2253 subject prefix of the issuing CA
  };
  const Row rows[] = {
      {"good", V_OCSP_CERTSTATUS_GOOD, "CN=mtls-harness Intermediate CA"},
      {"ocsp-revoked", V_OCSP_CERTSTATUS_REVOKED, "CN=mtls-harness Intermediate CA"},
      {"ocsp-unknown", V_OCSP_CERTSTATUS_UNKNOWN, "CN=mtls-harness Intermediate CA"},
      {"revoked", V_OCSP_CERTSTATUS_REVOKED, "CN=mtls-harness Intermediate CA"},
      {"too-deep", V_OCSP_CERTSTATUS_GOOD, "CN=mtls-harness Sub CA"},
  };
  const std::time_t now = std::time(nullptr);
  for (const auto& row : rows) {
    CAPTURE(row.identity);
    auto l = leaf(row.identity);
    pki::ossl::OcspRequest req;
    const auto der = ocsp_test::request_for(l.cert.get(), l.issuer.get(), true, &req);
    const auto reply = ledger().answer(der, now);
    const auto p = ocsp_test::parse(reply.der, l.cert.get(), l.issuer.get(), req.get());
    CHECK(p.response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL);
    CHECK(p.signature_ok);
    CHECK(p.nonce == 1);
    CHECK(p.cert_status == row.status);
    CHECK(p.times_valid);
    CHECK_THAT(p.signer_subject, Catch::StartsWith(row.signer));
    if (row.status == V_OCSP_CERTSTATUS_REVOKED) {
      CHECK(p.reason == OCSP_REVOKED_STATUS_KEYCOMPROMISE);
      CHECK(p.revoked_at == not_before(l.cert.get()) + 60);
      CHECK_THAT(reply.note, Catch::EndsWith(": revoked"));
    }
  }
}

TEST_CASE("the intermediate CA is good, answered by the root", "[ocsp][responses]") {
  auto intermediate = pki::ossl::read_cert(ocsp_test::ca_cert("intermediate"));
  auto root = pki::ossl::read_cert(ocsp_test::ca_cert("root"));
  const auto der = ocsp_test::request_for(intermediate.get(), root.get(), false);
  const auto reply = ledger().answer(der, std::time(nullptr));
  const auto p = ocsp_test::parse(reply.der, intermediate.get(), root.get());
  CHECK(p.response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL);
  CHECK(p.signature_ok);
  CHECK(p.cert_status == V_OCSP_CERTSTATUS_GOOD);
  CHECK_THAT(p.signer_subject, Catch::StartsWith("CN=mtls-harness Root CA"));
  CHECK_THAT(reply.note, Catch::StartsWith("root ") && Catch::EndsWith(": good"));
}

TEST_CASE("requests the fixture CAs cannot answer", "[ocsp][responses]") {
  const std::time_t now = std::time(nullptr);
  SECTION("not DER at all: malformedRequest") {
    const auto reply = ledger().answer("not an OCSP request", now);
    CHECK(ocsp_test::parse(reply.der, nullptr, nullptr).response_status ==
          OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    CHECK(reply.note == "malformedrequest");
  }
  SECTION("a self-signed certificate: no fixture CA issued it, unauthorized") {
    auto self = pki::ossl::read_cert(ocsp_test::status_fixtures().find("self-signed")->cert);
    const auto der = ocsp_test::request_for(self.get(), self.get(), false);
    const auto reply = ledger().answer(der, now);
    CHECK(ocsp_test::parse(reply.der, nullptr, nullptr).response_status ==
          OCSP_RESPONSE_STATUS_UNAUTHORIZED);
  }
  SECTION("a serial the intermediate never issued: unknown") {
    CHECK(ledger().status("intermediate", "DEADBEEF").status == OcspStatus::unknown);
    CHECK(ledger().status("intermediate", "").status == OcspStatus::unknown);
  }
}

TEST_CASE("an identity's OCSP status: revoked ones default to revoked, others to good",
          "[ocsp][responses]") {
  const auto r = scenario::load_text(R"(
[target]
kind = "nginx"
ocsp = "leaf"
[[identity]]
name = "valid"
[[identity]]
name = "revoked"
fault = "revoked"
[[identity]]
name = "later"
ocsp = "revoked"
[[identity]]
name = "stranger"
ocsp = "unknown"
)", "ocsp-defaults.toml");
  REQUIRE(r.ok());
  const auto& s = r.scenario;
  CHECK(s.find_identity("valid")->ocsp == OcspStatus::good);
  CHECK(s.find_identity("revoked")->ocsp == OcspStatus::revoked);
  CHECK(s.find_identity("later")->ocsp == OcspStatus::revoked);
  CHECK(s.find_identity("stranger")->ocsp == OcspStatus::unknown);
  // Implied expectations: the CRL fault's reason wins; OCSP-only statuses get their own.
  auto reason = [&](const std::string& c) {
    for (const auto& x : s.cases)
      if (x.name == c) return x.expect.reason;
    return std::optional<scenario::Reason>();
  };
  CHECK(reason("valid") == std::nullopt);
  CHECK(reason("revoked") == scenario::Reason::certificate_revoked);
  CHECK(reason("later") == scenario::Reason::ocsp_revoked);
  CHECK(reason("stranger") == scenario::Reason::ocsp_unknown);
}

TEST_CASE("with the responder down every valid identity is expected refused (fail closed)",
          "[ocsp][responses]") {
  const auto r = scenario::load_text(R"(
[target]
kind = "nginx"
ocsp = "chain"
ocsp_responder = "down"
[[identity]]
name = "valid"
)", "ocsp-down.toml");
  REQUIRE(r.ok());
  CHECK(r.scenario.target.ocsp == scenario::OcspCheck::chain);
  REQUIRE(r.scenario.cases.size() == 2);
  CHECK(r.scenario.cases[0].expect.kind == scenario::ExpectKind::reject);
  CHECK(r.scenario.cases[0].expect.reason == scenario::Reason::ocsp_unavailable);
  CHECK(r.scenario.cases[1].expect.reason == scenario::Reason::no_certificate);
}
