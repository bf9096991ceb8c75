// What the strict embedded target puts on the wire for every fault, per TLS version. The
// alert names are OpenSSL's server-side choices (ssl_verify_alarm_type and the handshake
// code); this table is what the "strict" gateway profile relies on.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "embedded_support.hpp"

namespace mtls::test {
namespace {

using scenario::TlsVersion;

struct Row {
  const char* identity;
  const char* alert_tls12;  // nullptr: handshake completes
  const char* alert_tls13;
  int status;               // HTTP status when the handshake completes
};

constexpr Row kRows[] = {
    {"valid", nullptr, nullptr, 200},
    {"none", "handshake_failure", "certificate_required", 0},
    {"expired", "certificate_expired", "certificate_expired", 0},
    {"not-yet-valid", "bad_certificate", "bad_certificate", 0},
    {"wrong-ca", "unknown_ca", "unknown_ca", 0},
    {"revoked", "certificate_revoked", "certificate_revoked", 0},
    {"self-signed", "unknown_ca", "unknown_ca", 0},
    {"wrong-eku", "unsupported_certificate", "unsupported_certificate", 0},
    {"missing-intermediate", "unknown_ca", "unknown_ca", 0},
    {"too-deep", "unknown_ca", "unknown_ca", 0},
    {"weak-key", "bad_certificate", "bad_certificate", 0},
    {"key-mismatch", "decrypt_error", "decrypt_error", 0},
    {"not-allowed", nullptr, nullptr, 403},
};

std::string show(const std::optional<std::string>& alert) { return alert ? *alert : "(none)"; }

}  // namespace

TEST_CASE("strict target answers each fault with OpenSSL's alert", "[embedded][faults]") {
  static auto server = serve(strict_target());
  const Row row = GENERATE(from_range(std::begin(kRows), std::end(kRows)));
  const TlsVersion v = GENERATE(TlsVersion::tls1_2, TlsVersion::tls1_3);
  const char* alert = v == TlsVersion::tls1_2 ? row.alert_tls12 : row.alert_tls13;
  INFO("identity " << row.identity << " over " << scenario::to_string(v));

  const ClientResult r = run_client(server->endpoint(), as(row.identity, v));
  INFO("client error: " << r.error);
  if (alert != nullptr) {
    CHECK(show(r.server_alert) == alert);
    CHECK(r.answers.empty());
    // TLS 1.2 refuses inside the handshake; TLS 1.3 clients finish first and read the alert.
    CHECK(r.handshake_ok == (v == TlsVersion::tls1_3));
    return;
  }
  CHECK(show(r.server_alert) == "(none)");
  REQUIRE(r.answers.size() == 1);
  const HttpAnswer& a = r.answers.front();
  CHECK(a.status == row.status);
  const auto body = nlohmann::json::parse(a.body);
  const auto& echoed = row.status == 403 ? body.at("identity") : body;
  if (row.status == 403) CHECK(body.at("error") == "not_allowed");
  const std::string cn = std::string("CN=client-") + row.identity;
  CHECK(echoed.at("subject").get<std::string>().rfind(cn + ",", 0) == 0);
  CHECK(echoed.at("verify") == "SUCCESS");
  CHECK(echoed.at("verified") == true);
  CHECK(echoed.at("tls_version") == (v == TlsVersion::tls1_3 ? "TLSv1.3" : "TLSv1.2"));
  CHECK(a.headers.at("x-client-verify") == "SUCCESS");
  CHECK(a.headers.at("x-client-dn") == echoed.at("subject").get<std::string>());
  CHECK(a.headers.at("x-client-serial") == fixtures().find(row.identity)->serial);
}

}  // namespace mtls::test
