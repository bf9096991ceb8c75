// Outcome x expectation -> verdict, as a table: no network, every row one situation a
// gateway can produce.
#include <catch2/catch.hpp>

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
  o.http_status = status;
  o.body = std::move(body);
  return o;
}

probe::Outcome alert(const std::string& name, int code, bool during = true) {
  probe::Outcome o;
  o.tcp = probe::TcpResult::connected;
  o.handshake_done = !during;
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
