// Outcome x expectation -> verdict, as a table: no network, every row one situation a
// gateway can produce.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cases/verdict.hpp"

using namespace mtls;
using scenario::ExpectKind;
using scenario::Fault;
using scenario::Reason;
using scenario::TlsVersion;

namespace {

probe::Outcome http(int status, std::string body = "") {
  probe::Outcome o;
  o.tcp = probe::TcpResult::connected;
  o.handshake_done = true;
  o.certificate_requested = true;
  o.http_status = status;
  o.body = std::move(body);
  return o;
}

probe::Outcome alert(const std::string& name, int code, bool during = true) {
  probe::Outcome o;
  o.tcp = probe::TcpResult::connected;
  o.handshake_done = !during;
  o.certificate_requested = true;
  o.alerts.push_back({code, name, true, during, true});
  o.curl_code = during ? 35 : 56;
  o.curl_error = "tlsv1 alert " + name;
  return o;
}

probe::Outcome tcp_refused() {
  probe::Outcome o;
  o.tcp = probe::TcpResult::refused;
  o.curl_code = 7;
  o.curl_error = "Failed to connect";
  return o;
}

probe::Outcome client_gave_up() {
  probe::Outcome o;
  o.tcp = probe::TcpResult::connected;
  o.alerts.push_back({48, "unknown_ca", false, true, true});
  o.curl_code = 60;
  o.curl_error = "SSL certificate problem: unable to get local issuer certificate";
  return o;
}

scenario::Case make_case(ExpectKind k, std::optional<Reason> r = std::nullopt) {
  scenario::Case c;
  c.name = "c";
  c.identity = "id";
  c.expect.kind = k;
  c.expect.reason = r;
  return c;
}

struct Row {
  const char* what;
  scenario::Case c;
  std::string profile;
  TlsVersion version;
  Fault fault;
  probe::Outcome outcome;
  cases::Status status;
  const char* message_part;  // must appear in the message ("" for a pass)
};

}  // namespace

TEST_CASE("verdicts follow the profile's wire form") {
  auto pinned_status = make_case(ExpectKind::reject);
  pinned_status.expect.status = 403;
  auto pinned_alert = make_case(ExpectKind::reject);
  pinned_alert.expect.alert = "unknown_ca";
  auto accept_as = make_case(ExpectKind::accept);
  accept_as.expect.seen_identity = "CN=client-valid";
  auto missing = make_case(ExpectKind::reject, Reason::no_certificate);
  missing.identity = "none";
  auto seen_ok = http(200);
  seen_ok.headers["x-client-dn"] = "CN=client-valid,O=Example";

  const Row rows[] = {
      {"valid accepted", make_case(ExpectKind::accept), "strict", TlsVersion::tls1_3, Fault::none,
       http(200), cases::Status::pass, ""},
      {"valid refused", make_case(ExpectKind::accept), "strict", TlsVersion::tls1_3, Fault::none,
       alert("unknown_ca", 48), cases::Status::fail,
       "expected accept, got TLS alert unknown_ca (during handshake) — the gateway refused a valid certificate"},
      {"expired accepted", make_case(ExpectKind::reject, Reason::certificate_expired), "strict",
       TlsVersion::tls1_2, Fault::expired, http(200), cases::Status::fail,
       "expected reject at TLS alert certificate_expired (certificate_expired), got HTTP 200 — the "
       "gateway accepted an expired certificate"},
      {"expired alert", make_case(ExpectKind::reject, Reason::certificate_expired), "strict",
       TlsVersion::tls1_3, Fault::expired, alert("certificate_expired", 45, false),
       cases::Status::pass, ""},
      {"expired wrong alert", make_case(ExpectKind::reject, Reason::certificate_expired), "strict",
       TlsVersion::tls1_3, Fault::expired, alert("bad_certificate", 42), cases::Status::fail,
       "refused, but not the way the 'strict' profile says"},
      {"nginx expired 400", make_case(ExpectKind::reject, Reason::certificate_expired), "nginx",
       TlsVersion::tls1_3, Fault::expired, http(400, "<title>400 The SSL certificate error</title>"),
       cases::Status::pass, ""},
      {"nginx expects 400, alert seen", make_case(ExpectKind::reject, Reason::certificate_expired),
       "nginx", TlsVersion::tls1_2, Fault::expired, alert("certificate_expired", 45),
       cases::Status::fail, "expected reject at HTTP 400 (certificate_expired)"},
      {"missing, tls1.2", make_case(ExpectKind::reject, Reason::no_certificate), "strict",
       TlsVersion::tls1_2, Fault::none, alert("handshake_failure", 40), cases::Status::pass, ""},
      {"missing, tls1.3", make_case(ExpectKind::reject, Reason::no_certificate), "strict",
       TlsVersion::tls1_3, Fault::none, alert("certificate_required", 116, false),
       cases::Status::pass, ""},
      {"missing accepted", missing, "nginx",
       TlsVersion::tls1_3, Fault::none, http(200), cases::Status::fail,
       "the gateway accepted a client that sent no certificate"},
      {"pinned status", pinned_status, "strict", TlsVersion::tls1_3, Fault::not_allowed, http(403),
       cases::Status::pass, ""},
      {"pinned status, other status", pinned_status, "strict", TlsVersion::tls1_3,
       Fault::not_allowed, http(400), cases::Status::fail, "expected reject at HTTP 403, got HTTP 400"},
      {"pinned alert beats profile", pinned_alert, "nginx", TlsVersion::tls1_3, Fault::wrong_ca,
       alert("unknown_ca", 48), cases::Status::pass, ""},
      {"unpinned reject, any refusal", make_case(ExpectKind::reject), "strict", TlsVersion::tls1_3,
       Fault::revoked, http(400), cases::Status::pass, ""},
      {"identity seen", accept_as, "strict", TlsVersion::tls1_3, Fault::none, seen_ok,
       cases::Status::pass, ""},
      {"identity not seen", accept_as, "strict", TlsVersion::tls1_3, Fault::none, http(200),
       cases::Status::fail, "expected the backend to see 'CN=client-valid', it saw 'no client identity'"},
      // A TCP connect error is no answer from the gateway, whatever the expectation.
      {"target down", make_case(ExpectKind::reject, Reason::unknown_ca), "strict",
       TlsVersion::tls1_3, Fault::wrong_ca, tcp_refused(), cases::Status::error,
       "expected reject at TLS alert unknown_ca (unknown_ca), but the target was unreachable: "
       "TCP refused"},
      {"target down, unpinned reject", make_case(ExpectKind::reject), "strict",
       TlsVersion::tls1_3, Fault::revoked, tcp_refused(), cases::Status::error,
       "but the target was unreachable: TCP refused"},
      {"target down, nginx reject", make_case(ExpectKind::reject, Reason::certificate_revoked),
       "nginx", TlsVersion::tls1_2, Fault::revoked, tcp_refused(), cases::Status::error,
       "but the target was unreachable: TCP refused"},
      {"target down, accept", make_case(ExpectKind::accept), "strict", TlsVersion::tls1_3,
       Fault::none, tcp_refused(), cases::Status::error,
       "expected accept, but the target was unreachable: TCP refused"},
      {"client distrusts server", make_case(ExpectKind::accept), "strict", TlsVersion::tls1_3,
       Fault::none, client_gave_up(), cases::Status::error, "the probe itself failed"},
  };
  for (const auto& row : rows) {
    SECTION(row.what) {
      auto v = cases::judge(cases::Judged{row.c, row.version, row.fault, row.profile}, row.outcome);
      INFO(v.message);
      CHECK(cases::to_string(v.status) == cases::to_string(row.status));
      if (row.message_part[0] == '\0') CHECK(v.message.empty());
      else CHECK_THAT(v.message, Catch::Contains(row.message_part));
    }
  }
}

TEST_CASE("observed text names the layer and the detail") {
  CHECK(cases::describe(alert("unknown_ca", 48)) == "TLS alert unknown_ca (during handshake)");
  CHECK(cases::describe(alert("certificate_required", 116, false)) ==
        "TLS alert certificate_required (after handshake)");
  CHECK(cases::describe(http(400, "<html><head><title>400 No required SSL certificate was sent</title>")) ==
        "HTTP 400 (400 No required SSL certificate was sent)");
  CHECK(cases::describe(http(200)) == "HTTP 200");
  CHECK_THAT(cases::describe(tcp_refused()), Catch::StartsWith("TCP refused (curl 7"));
}

namespace {

// The gateway named these CAs as acceptable issuers of client certificates.
probe::Outcome naming(probe::Outcome o, std::vector<std::string> names) {
  o.certificate_requested = true;
  o.acceptable_ca_names = std::move(names);
  return o;
}

probe::Outcome never_asked(probe::Outcome o) {
  o.certificate_requested = false;
  return o;
}

probe::Outcome with_header(probe::Outcome o, const std::string& name, const std::string& value) {
  o.headers[name] = value;
  return o;
}

probe::Outcome protocol_version() {
  auto o = alert("protocol_version", 70);
  o.certificate_requested = false;
  return o;
}

const cases::PresentedIdentity kHarnessIssued{
    "CN=Harness Issuing CA", {"CN=Harness Issuing CA", "CN=Harness Root CA"}};

struct TrustRow {
  const char* what;
  scenario::Case c;
  std::string profile;
  TlsVersion version;
  Fault fault;
  scenario::VerifyMode verify;
  probe::Outcome outcome;
  cases::Status status;
  const char* message_part;  // must appear in the message ("" for a pass)
};

}  // namespace

TEST_CASE("a verdict passes only when the refusal can be about the fault under test") {
  using scenario::VerifyMode;
  const auto expired = make_case(ExpectKind::reject, Reason::certificate_expired);
  const auto revoked = make_case(ExpectKind::reject, Reason::certificate_revoked);
  const auto wrong_ca = make_case(ExpectKind::reject, Reason::unknown_ca);
  const auto valid = make_case(ExpectKind::accept);
  const std::vector<std::string> acme = {"CN=Acme Client CA"};
  const std::vector<std::string> ours = {"CN=Harness Root CA"};
  const auto nginx_cert_error = http(400, "<title>400 The SSL certificate error</title>");
  const auto nginx_no_cert = http(400, "<title>400 No required SSL certificate was sent</title>");

  const TrustRow rows[] = {
      // Untrusted issuer: the refusal is the gateway not trusting the CA at all.
      {"nginx: issuer not named, 400 for expiry", expired, "nginx", TlsVersion::tls1_2,
       Fault::expired, VerifyMode::required, naming(nginx_cert_error, acme),
       cases::Status::inconclusive,
       "c [TLS 1.2]: inconclusive — the gateway does not trust this identity's issuer (CN=Harness "
       "Issuing CA); it accepts only CN=Acme Client CA, so the refusal says nothing about expiry"},
      {"strict: issuer not named, unknown_ca for expiry", expired, "strict", TlsVersion::tls1_3,
       Fault::expired, VerifyMode::required, naming(alert("unknown_ca", 48), acme),
       cases::Status::inconclusive, "so the refusal says nothing about expiry"},
      {"strict: issuer not named, but the alert is the expiry's own", expired, "strict",
       TlsVersion::tls1_3, Fault::expired, VerifyMode::required,
       naming(alert("certificate_expired", 45), acme), cases::Status::pass, ""},
      {"caddy: bad_certificate for everything, issuer not named",
       make_case(ExpectKind::reject, Reason::unsupported_certificate), "caddy", TlsVersion::tls1_3,
       Fault::wrong_eku, VerifyMode::required, naming(alert("bad_certificate", 42), acme),
       cases::Status::inconclusive, "so the refusal says nothing about the extended key usage"},
      {"wrong-ca is about the issuer: judged as before", wrong_ca, "nginx", TlsVersion::tls1_2,
       Fault::wrong_ca, VerifyMode::required, naming(nginx_cert_error, acme), cases::Status::pass, ""},
      {"issuer named: judged as before", expired, "nginx", TlsVersion::tls1_2, Fault::expired,
       VerifyMode::required, naming(nginx_cert_error, ours), cases::Status::pass, ""},
      {"no names advertised: judged as before", expired, "nginx", TlsVersion::tls1_2,
       Fault::expired, VerifyMode::required, naming(nginx_cert_error, {}), cases::Status::pass, ""},
      {"valid refused, issuer not named: the hint says why", valid, "nginx", TlsVersion::tls1_3,
       Fault::none, VerifyMode::required, naming(nginx_cert_error, acme), cases::Status::fail,
       "(its issuer CN=Harness Issuing CA is not among the CAs the gateway accepts: CN=Acme Client CA)"},
      // No CertificateRequest at all.
      {"reject, never asked for a certificate", expired, "nginx", TlsVersion::tls1_3,
       Fault::expired, VerifyMode::required, never_asked(nginx_cert_error),
       cases::Status::inconclusive,
       "inconclusive — the gateway never asked for a client certificate, so the refusal says nothing about expiry"},
      {"accept under required, never asked", valid, "strict", TlsVersion::tls1_3, Fault::none,
       VerifyMode::required, never_asked(http(200)), cases::Status::fail,
       "the gateway never asked for a client certificate"},
      {"accept under optional, never asked", valid, "strict", TlsVersion::tls1_3, Fault::none,
       VerifyMode::off, never_asked(http(200)), cases::Status::pass, ""},
      // Refused, but by another check than the one under test.
      {"nginx: revoked refused as if no certificate was sent", revoked, "nginx", TlsVersion::tls1_2,
       Fault::revoked, VerifyMode::required, nginx_no_cert, cases::Status::fail,
       "c [TLS 1.2]: refused as if no certificate was sent (HTTP 400 \"No required SSL certificate "
       "was sent\"), not for revocation — the client's certificate never reached the gateway's check"},
      {"strict: revoked refused by the allow-list", revoked, "strict", TlsVersion::tls1_3,
       Fault::revoked, VerifyMode::required, http(403), cases::Status::fail,
       "refused by the allow-list (HTTP 403), not for revocation — the certificate got through the "
       "gateway's verification: it does not check revocation"},
      {"nginx: 400 although X-Client-Verify says SUCCESS", expired, "nginx", TlsVersion::tls1_3,
       Fault::expired, VerifyMode::required, with_header(http(400), "x-client-verify", "SUCCESS"),
       cases::Status::fail, "refused after the certificate verified (HTTP 400 with X-Client-Verify: SUCCESS), not for expiry"},
      {"haproxy: X-Client-Verify 0 on a 403 is the allow-list", expired, "haproxy",
       TlsVersion::tls1_3, Fault::expired, VerifyMode::required,
       with_header(http(403), "x-client-verify", "0"), cases::Status::fail,
       "refused by the allow-list (HTTP 403), not for expiry"},
      // The profile says the gateway cannot refuse this at all.
      {"caddy: revoked accepted is not checkable", revoked, "caddy", TlsVersion::tls1_3,
       Fault::revoked, VerifyMode::required, http(200), cases::Status::not_checkable,
       "c [TLS 1.3]: not checkable on this gateway — the 'caddy' profile says it cannot refuse a "
       "revoked certificate (observed HTTP 200)"},
      {"haproxy: too deep refused anyway is still not checkable",
       make_case(ExpectKind::reject, Reason::chain_too_long), "haproxy", TlsVersion::tls1_2,
       Fault::too_deep, VerifyMode::required, alert("unknown_ca", 48), cases::Status::not_checkable,
       "not checkable on this gateway"},
      // Answers that are not a refusal of the certificate.
      {"accepted, then 404", valid, "strict", TlsVersion::tls1_3, Fault::none, VerifyMode::required,
       http(404), cases::Status::fail, "c [TLS 1.3]: accepted the certificate, then answered HTTP 404 for /"},
      {"accepted, then 500", valid, "nginx", TlsVersion::tls1_2, Fault::none, VerifyMode::required,
       http(500), cases::Status::fail, "accepted the certificate, then answered HTTP 500 for /"},
      {"expired answered 502 is accepted", expired, "nginx", TlsVersion::tls1_2, Fault::expired,
       VerifyMode::required, http(502), cases::Status::fail,
       "the gateway accepted an expired certificate ('nginx' profile), then answered HTTP 502 for /"},
      // The version itself is not spoken.
      {"TLS 1.3 not offered", valid, "strict", TlsVersion::tls1_3, Fault::none, VerifyMode::required,
       protocol_version(), cases::Status::error,
       "c [TLS 1.3]: the gateway does not offer TLS 1.3 (protocol_version alert)"},
      {"TLS 1.2 not offered, reject case", expired, "nginx", TlsVersion::tls1_2, Fault::expired,
       VerifyMode::required, protocol_version(), cases::Status::error,
       "the gateway does not offer TLS 1.2 (protocol_version alert)"},
      // A TCP failure is never a refusal.
      {"unpinned reject, TCP refused", make_case(ExpectKind::reject), "strict", TlsVersion::tls1_3,
       Fault::revoked, VerifyMode::required, tcp_refused(), cases::Status::error,
       "the target was unreachable"},
  };
  for (const auto& row : rows) {
    SECTION(row.what) {
      const auto v = cases::judge(
          cases::Judged{row.c, row.version, row.fault, row.profile, row.verify, &kHarnessIssued},
          row.outcome);
      INFO(v.message);
      CHECK(cases::to_string(v.status) == cases::to_string(row.status));
      if (row.message_part[0] == '\0' && row.status == cases::Status::pass) CHECK(v.message.empty());
      else CHECK_THAT(v.message, Catch::Contains(row.message_part));
    }
  }
}

TEST_CASE("verdict kinds are declared once, with what each means for the run") {
  using cases::Status;
  struct Row {
    Status status;
    const char* json;
    const char* words;
    bool fails_run;
    const char* junit;
  } const rows[] = {
      {Status::pass, "pass", "pass", false, ""},
      {Status::fail, "fail", "fail", true, "failure"},
      {Status::error, "error", "error", true, "error"},
      {Status::inconclusive, "inconclusive", "inconclusive", true, "error"},
      {Status::not_checkable, "not_checkable", "not checkable", false, "skipped"},
      {Status::skipped, "skipped", "skipped", false, "skipped"},
  };
  REQUIRE(cases::kStatuses.size() == std::size(rows));
  for (const auto& row : rows) {
    const auto& k = cases::info(row.status);
    CHECK(k.json == row.json);
    CHECK(k.words == row.words);
    CHECK(k.fails_run == row.fails_run);
    CHECK(k.junit == row.junit);
  }
}
