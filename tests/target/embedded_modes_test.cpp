// [target].verify modes, the allow-list and session resumption on the embedded target.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "embedded_support.hpp"

namespace mtls::test {
namespace {

using scenario::TlsVersion;
using scenario::VerifyMode;

struct ModeRow {
  VerifyMode mode;
  const char* identity;
  const char* alert;   // nullptr: answered
  int status;
  const char* verify;  // X-Client-Verify when answered
};

// Modes as nginx's ssl_verify_client spells them; the alert column is the same for both
// TLS versions here (missing certificates are the only version-dependent alert).
constexpr ModeRow kModeRows[] = {
    {VerifyMode::optional, "none", nullptr, 200, "NONE"},
    {VerifyMode::optional, "valid", nullptr, 200, "SUCCESS"},
    {VerifyMode::optional, "expired", "certificate_expired", 0, nullptr},
    {VerifyMode::optional, "wrong-ca", "unknown_ca", 0, nullptr},
    {VerifyMode::optional_no_ca, "none", nullptr, 200, "NONE"},
    {VerifyMode::optional_no_ca, "wrong-ca", nullptr, 403,
     "FAILED:unable to get local issuer certificate"},
    {VerifyMode::optional_no_ca, "self-signed", nullptr, 403, "FAILED:self-signed certificate"},
    {VerifyMode::optional_no_ca, "missing-intermediate", nullptr, 403,
     "FAILED:unable to get local issuer certificate"},
    {VerifyMode::optional_no_ca, "expired", "certificate_expired", 0, nullptr},
    {VerifyMode::optional_no_ca, "revoked", "certificate_revoked", 0, nullptr},
    {VerifyMode::off, "none", nullptr, 200, "NONE"},
    {VerifyMode::off, "expired", nullptr, 200, "NONE"},  // never asked for
};

std::string show(const std::optional<std::string>& alert) { return alert ? *alert : "(none)"; }

}  // namespace

TEST_CASE("verify modes follow nginx's ssl_verify_client", "[embedded][modes]") {
  const ModeRow row = GENERATE(from_range(std::begin(kModeRows), std::end(kModeRows)));
  const TlsVersion v = GENERATE(TlsVersion::tls1_2, TlsVersion::tls1_3);
  INFO(scenario::to_string(row.mode) << " / " << row.identity << " / " << scenario::to_string(v));
  auto t = strict_target();
  t.verify = row.mode;
  auto server = serve(t);
  const ClientResult r = run_client(server->endpoint(), as(row.identity, v));
  INFO("client error: " << r.error);
  if (row.alert != nullptr) {
    CHECK(show(r.server_alert) == row.alert);
    CHECK(r.answers.empty());
    return;
  }
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].status == row.status);
  CHECK(r.answers[0].headers.at("x-client-verify") == row.verify);
}

TEST_CASE("verify=optional_no_ca without an allow-list passes unverified clients through",
          "[embedded][modes]") {
  auto t = strict_target();
  t.verify = VerifyMode::optional_no_ca;
  t.allow = {};
  auto server = serve(t);
  const ClientResult r = run_client(server->endpoint(), as("wrong-ca", TlsVersion::tls1_3));
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].status == 200);
  const auto body = nlohmann::json::parse(r.answers[0].body);
  CHECK(body.at("verified") == false);
  CHECK(body.at("verify") == "FAILED:unable to get local issuer certificate");
  CHECK(body.at("subject").get<std::string>().rfind("CN=client-wrong-ca,", 0) == 0);
}

TEST_CASE("verify=optional_no_ca reports the same failure on a resumed session",
          "[embedded][modes][resume]") {
  const TlsVersion v = GENERATE(TlsVersion::tls1_2, TlsVersion::tls1_3);
  auto t = strict_target();
  t.verify = VerifyMode::optional_no_ca;
  t.allow = {};
  auto server = serve(t);
  const ClientResult first = run_client(server->endpoint(), as("self-signed", v));
  REQUIRE(first.session);
  ClientRun again = as("self-signed", v);
  again.resume = first.session;
  const ClientResult second = run_client(server->endpoint(), again);
  CHECK(second.resumed);
  for (const auto* r : {&first, &second}) {
    REQUIRE(r->answers.size() == 1);
    CHECK(r->answers[0].headers.at("x-client-verify") == "FAILED:self-signed certificate");
  }
}

TEST_CASE("allow-list matches CN, SAN DNS or SAN URI", "[embedded][allow]") {
  struct AllowRow {
    scenario::AllowList allow;
    int status;
  };
  // The valid identity: CN client-valid, DNS valid.clients.example, URI spiffe://.../order.
  const AllowRow row = GENERATE(
      AllowRow{{{"client-valid"}, {}, {}}, 200}, AllowRow{{{}, {"valid.clients.example"}, {}}, 200},
      AllowRow{{{}, {}, {"spiffe://cluster.local/ns/prod/sa/order"}}, 200},
      AllowRow{{{"someone-else"}, {"other.example"}, {"spiffe://x/y"}}, 403},
      AllowRow{{}, 200});
  auto t = strict_target();
  t.allow = row.allow;
  auto server = serve(t);
  const ClientResult r = run_client(server->endpoint(), as("valid", TlsVersion::tls1_3));
  REQUIRE(r.answers.size() == 1);
  CHECK(r.answers[0].status == row.status);
  const auto body = nlohmann::json::parse(r.answers[0].body);
  if (row.status == 403) CHECK(body.at("error") == "not_allowed");
  const auto& id = row.status == 403 ? body.at("identity") : body;
  CHECK(id.at("san_dns") == nlohmann::json::array({"valid.clients.example"}));
  CHECK(id.at("san_uri") == nlohmann::json::array({"spiffe://cluster.local/ns/prod/sa/order"}));
}

TEST_CASE("sessions resume with tickets and keep the client identity", "[embedded][resume]") {
  const TlsVersion v = GENERATE(TlsVersion::tls1_2, TlsVersion::tls1_3);
  const bool cache = GENERATE(true, false);
  INFO(scenario::to_string(v) << (cache ? " with" : " without") << " session cache");
  auto t = strict_target();
  t.session_cache = cache;
  auto server = serve(t);
  const ClientResult first = run_client(server->endpoint(), as("valid", v));
  CHECK(first.tickets >= 1);
  REQUIRE(first.session);
  CHECK_FALSE(first.resumed);

  ClientRun again = as("valid", v);
  again.resume = first.session;
  const ClientResult second = run_client(server->endpoint(), again);
  CHECK(second.resumed);
  REQUIRE(second.answers.size() == 1);
  CHECK(second.answers[0].headers.at("x-session-reused") == "r");
  const auto body = nlohmann::json::parse(second.answers[0].body);
  CHECK(body.at("session_reused") == true);
  CHECK(body.at("verify") == "SUCCESS");
  CHECK(body.at("subject").get<std::string>().rfind("CN=client-valid,", 0) == 0);
  CHECK(server->counters().handshakes_resumed == 1);
}

TEST_CASE("tickets off: no NewSessionTicket; only the cache resumes (TLS 1.2)",
          "[embedded][resume]") {
  struct TicketRow {
    TlsVersion version;
    bool cache;
    bool resumes;
  };
  const TicketRow row = GENERATE(TicketRow{TlsVersion::tls1_2, true, true},
                                 TicketRow{TlsVersion::tls1_2, false, false},
                                 TicketRow{TlsVersion::tls1_3, true, false},
                                 TicketRow{TlsVersion::tls1_3, false, false});
  INFO(scenario::to_string(row.version) << " cache=" << row.cache);
  auto t = strict_target();
  t.session_tickets = false;
  t.session_cache = row.cache;
  auto server = serve(t);
  const ClientResult first = run_client(server->endpoint(), as("valid", row.version));
  CHECK(first.tickets == 0);
  REQUIRE(first.answers.size() == 1);
  ClientRun again = as("valid", row.version);
  again.resume = first.session;
  const ClientResult second = run_client(server->endpoint(), again);
  CHECK(second.resumed == row.resumes);
  REQUIRE(second.answers.size() == 1);
  CHECK(second.answers[0].headers.at("x-session-reused") == (row.resumes ? "r" : "."));
}

}  // namespace mtls::test
