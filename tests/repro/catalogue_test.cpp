// Every catalogue entry, reproduced against the embedded target and a real nginx: each claim
// of the catalogue must hold (Attempt::mismatches), and the headline message each entry is
// named for is pinned here independently, so a catalogue edit cannot quietly weaken it.
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "common/process.hpp"

#include "repro/render.hpp"
#include "repro_support.hpp"
#include "scenario/loader.hpp"
#include "scenario/names.hpp"

using namespace mtls;
using repro::test::options_for;
using scenario::TargetKind;
using scenario::TlsVersion;

namespace {

constexpr auto kEmbedded = TargetKind::embedded;
constexpr auto kNginx = TargetKind::nginx;
constexpr auto k12 = TlsVersion::tls1_2;
constexpr auto k13 = TlsVersion::tls1_3;

// The message an entry is about, on one target (and version, when they differ): a fatal
// alert (with its sender), an HTTP status, and a text that must appear in what curl, the
// answer's body, openssl s_client or the nginx log printed.
struct Pin {
  const char* entry;
  TargetKind target;
  std::optional<TlsVersion> version;
  const char* alert;         // "" none
  bool alert_from_server;
  int status;                // 0: no HTTP answer
  const char* text;
};

const Pin pins[] = {
    {"no-client-cert", kEmbedded, k12, "handshake_failure", true, 0, "sslv3 alert handshake failure"},
    {"no-client-cert", kEmbedded, k13, "certificate_required", true, 0, "tlsv13 alert certificate required"},
    {"no-client-cert", kNginx, {}, "", true, 400, "No required SSL certificate was sent"},
    {"no-client-cert", kNginx, {}, "", true, 400, "client sent no required SSL certificate"},
    {"unknown-ca", kEmbedded, {}, "unknown_ca", true, 0, "tlsv1 alert unknown ca"},
    {"unknown-ca", kNginx, {}, "", true, 400, "(21:unable to verify the first certificate)"},
    {"expired", kEmbedded, k12, "certificate_expired", true, 0, "SSL certificate verification failed"},
    {"expired", kEmbedded, k13, "certificate_expired", true, 0, "sslv3 alert certificate expired"},
    {"expired", kNginx, {}, "", true, 400, "(10:certificate has expired)"},
    {"not-yet-valid", kEmbedded, {}, "bad_certificate", true, 0, "sslv3 alert bad certificate"},
    {"not-yet-valid", kNginx, {}, "", true, 400, "(9:certificate is not yet valid)"},
    {"revoked", kEmbedded, {}, "certificate_revoked", true, 0, "sslv3 alert certificate revoked"},
    {"revoked", kNginx, {}, "", true, 400, "(23:certificate revoked)"},
    {"wrong-eku", kEmbedded, {}, "unsupported_certificate", true, 0, "sslv3 alert unsupported certificate"},
    {"wrong-eku", kNginx, {}, "", true, 400, "(26:unsuitable certificate purpose)"},
    {"missing-intermediate", kEmbedded, {}, "unknown_ca", true, 0, "tlsv1 alert unknown ca"},
    {"missing-intermediate", kNginx, {}, "", true, 400, "The SSL certificate error"},
    {"too-deep", kEmbedded, {}, "unknown_ca", true, 0, "tlsv1 alert unknown ca"},
    {"too-deep", kNginx, {}, "", true, 400, "The SSL certificate error"},
    {"server-untrusted", kEmbedded, {}, "unknown_ca", false, 0, "unable to get local issuer certificate"},
    {"server-untrusted", kNginx, {}, "unknown_ca", false, 0, "unable to get local issuer certificate"},
    {"name-mismatch", kEmbedded, {}, "", true, 0, "no alternative certificate subject name matches"},
    {"name-mismatch", kNginx, {}, "", true, 0, "no alternative certificate subject name matches"},
    {"no-shared-version", kEmbedded, k12, "protocol_version", true, 0, "tlsv1 alert protocol version"},
    {"no-shared-version", kNginx, k12, "protocol_version", true, 0, "tlsv1 alert protocol version"},
    {"no-shared-cipher", kEmbedded, {}, "handshake_failure", true, 0, "sslv3 alert handshake failure"},
    {"no-shared-cipher", kNginx, {}, "handshake_failure", true, 0, "no shared cipher"},
    {"app-never-sends-cert", kEmbedded, k12, "handshake_failure", true, 0, "sslv3 alert handshake failure"},
    {"app-never-sends-cert", kEmbedded, k13, "certificate_required", true, 0, "tlsv13 alert certificate required"},
    {"app-never-sends-cert", kNginx, {}, "", true, 400, "No required SSL certificate was sent"},
};

std::string everything_printed(const repro::Attempt& a) {
  return a.outcome.curl_error + "\n" + a.outcome.body + "\n" + a.s_client.output + "\n" + a.server_log;
}

void check_pin(const Pin& p, const repro::Attempt& a) {
  INFO("pin: " << p.entry << " / " << p.text);
  if (*p.alert) {
    const probe::TlsAlert* seen = nullptr;
    for (const auto& al : a.outcome.alerts)
      if (al.fatal && al.from_server == p.alert_from_server) seen = &al;
    REQUIRE(seen != nullptr);
    CHECK(seen->name == p.alert);
  }
  CHECK(a.outcome.http_status == p.status);
  CHECK_THAT(everything_printed(a), Catch::Contains(p.text));
}

void reproduce_all(TargetKind kind) {
  const auto o = options_for(kind);
  for (const auto& e : repro::catalogue()) {
    if (!repro::applies_to(e, kind)) continue;
    DYNAMIC_SECTION(e.name << " on " << scenario::to_string(kind)) {
      const auto r = repro::reproduce(e, o);
      REQUIRE_FALSE(r.attempts.empty());
      for (const auto& a : r.attempts) {
        INFO("TLS " << scenario::to_string(a.version) << "\ncurl: " << a.outcome.curl_error
                    << "\nlog: " << a.server_log << "\ns_client: " << a.s_client.output);
        CHECK(a.s_client.ran);
        for (const auto& m : a.mismatches) FAIL_CHECK(m);
        CHECK(a.reproduced());
        int pinned = 0;
        for (const auto& p : pins)
          if (p.entry == e.name && p.target == kind && (!p.version || *p.version == a.version)) {
            check_pin(p, a);
            ++pinned;
          }
        CHECK(pinned > 0);  // every entry x target x version has its headline pinned
        if (!e.contrast_identity.empty()) {
          REQUIRE(a.contrast.has_value());
          CHECK(a.contrast->http_status == 200);
        }
      }
      CHECK(r.reproduced());
      // The printed report carries every side and confirm commands with real paths.
      std::ostringstream out;
      repro::print_reproduction(r, out);
      const auto text = out.str();
      CHECK_THAT(text, Catch::Contains("client (curl):") && Catch::Contains("openssl s_client:") &&
                           Catch::Contains("cause:") && Catch::Contains("fix:") &&
                           Catch::Contains("reproduced: every claim of the catalogue held"));
      if (kind == kNginx) CHECK_THAT(text, Catch::Contains("server (nginx log):"));
      for (const auto& line : e.confirm) {
        const auto cmd = repro::fill(line, r.placeholders);
        INFO(cmd);
        CHECK(cmd.find('{') == std::string::npos);  // every placeholder filled
      }
    }
  }
}

}  // namespace

TEST_CASE("the catalogue is one consistent table backed by scenarios/repro", "[repro]") {
  std::set<std::string> names;
  for (const auto& e : repro::catalogue()) {
    INFO(e.name);
    CHECK(names.insert(std::string(e.name)).second);
    const auto file = repro::test::source_root() / "scenarios" / "repro" / e.scenario;
    const auto loaded = scenario::load_file(file);
    REQUIRE(loaded.ok());
    bool has_case = false;
    for (const auto& c : loaded.scenario.cases) has_case = has_case || c.name == e.case_name;
    CHECK(has_case);
    CHECK(loaded.scenario.find_identity("valid") != nullptr);  // the confirm commands use it
    CHECK_FALSE(e.cause.empty());
    CHECK_FALSE(e.fix.empty());
    CHECK_FALSE(e.confirm.empty());
    for (auto kind : e.targets)
      for (auto v : {k12, k13}) {
        const auto claims = repro::claims_for(e, kind, v);
        if (e.client.version && *e.client.version != v) continue;
        REQUIRE_FALSE(claims.empty());
        for (const auto* c : claims)  // specific: an alert or a status, and what curl said
          CHECK((!c->alert.empty() || c->status != 0 || c->curl_code != 0));
      }
  }
  for (const char* required : {"no-client-cert", "unknown-ca", "expired", "not-yet-valid",
                               "revoked", "wrong-eku", "missing-intermediate", "too-deep",
                               "server-untrusted", "name-mismatch", "no-shared-version",
                               "no-shared-cipher", "app-never-sends-cert"})
    CHECK(repro::find(required) != nullptr);
  std::ostringstream list;
  repro::print_catalogue(list);
  for (const auto& e : repro::catalogue()) CHECK_THAT(list.str(), Catch::Contains(std::string(e.name)));
}

TEST_CASE("every entry reproduces against the embedded target", "[repro][embedded]") {
  reproduce_all(kEmbedded);
}

TEST_CASE("every entry reproduces against a real nginx", "[repro][nginx]") {
  if (!test::installed("nginx")) return;
  reproduce_all(kNginx);
}

TEST_CASE("--tls narrows the attempts; a URL target is judged by either gateway's form",
          "[repro]") {
  auto o = options_for(kEmbedded);
  o.tls = k13;
  o.s_client = false;
  const auto r = repro::reproduce(*repro::find("unknown-ca"), o);
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].version == k13);
  CHECK(r.reproduced());

  // A URL nobody listens on: nothing shows as catalogued.
  auto u = options_for(kEmbedded);
  u.target_url = "https://127.0.0.1:" + std::to_string(common::free_loopback_port()) + "/";
  u.s_client = false;
  const auto none = repro::reproduce(*repro::find("unknown-ca"), u);
  CHECK_FALSE(none.reproduced());
  CHECK(none.attempts.front().outcome.tcp == probe::TcpResult::refused);
}
