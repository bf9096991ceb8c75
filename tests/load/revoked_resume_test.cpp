// The revoked-resumption check against the embedded target and a real nginx: a client whose
// certificate is revoked after its session began offers that session again.
#include <catch2/catch.hpp>

#include "load/revoked_resume.hpp"
#include "load_support.hpp"

namespace mtls::test {
namespace {

using scenario::Resumption;
using scenario::TargetKind;
using scenario::TlsVersion;

struct Row {
  TargetKind kind;
  Resumption mode;
  TlsVersion version;
  const char* outcome;
  bool resumed;
  int status;  // of the resumption attempt; 0: refused by an alert
};

TEST_CASE("a client revoked after its session began: resuming it is reported", "[load][revoked]") {
  // OpenSSL servers keep the verification result in the session and never re-check the CRL
  // on resumption. nginx's reload (how a new CRL takes effect) keeps the shared session cache
  // but makes new ticket keys, so only session-ID resumption survives it.
  const auto row = GENERATE(
      Row{TargetKind::embedded, Resumption::session_id, TlsVersion::tls1_2, "gets_in", true, 200},
      Row{TargetKind::embedded, Resumption::ticket, TlsVersion::tls1_2, "gets_in", true, 200},
      Row{TargetKind::embedded, Resumption::psk, TlsVersion::tls1_3, "gets_in", true, 200},
      Row{TargetKind::nginx, Resumption::session_id, TlsVersion::tls1_2, "gets_in", true, 200},
      Row{TargetKind::nginx, Resumption::ticket, TlsVersion::tls1_2, "refused", false, 400},
      Row{TargetKind::nginx, Resumption::psk, TlsVersion::tls1_3, "refused", false, 400});
  CAPTURE(scenario::to_string(row.kind), scenario::to_string(row.mode));
  auto target = serve(row.kind);
  auto p = short_phase(1);
  p.resumption = row.mode;
  p.tls_version = row.version;
  const auto c = load::check_revoked_resume(p, load_scenario(), load_fixtures(), *target);
  INFO(c.detail);
  CHECK(c.identity == "valid");
  CHECK(c.outcome == row.outcome);
  CHECK(c.resumed == row.resumed);
  CHECK(c.status == row.status);
  CHECK(c.revocation_effective_ms > 0);
  CHECK(c.restored);

  // Restored means restored: the phase's identity runs clean afterwards.
  const auto after = load::run_phase(short_phase(5), load_scenario(), load_fixtures(),
                                     target->endpoint(), quiet_for(*target));
  CHECK(after.counts.connections_ok == 5);
}

TEST_CASE("the revoked-resumption check says why it did not run", "[load][revoked]") {
  auto target = serve(TargetKind::embedded);
  auto p = short_phase(1);
  SECTION("no resumption in the phase") {
    const auto c = load::check_revoked_resume(p, load_scenario(), load_fixtures(), *target);
    CHECK(c.outcome == "not_checked");
    CHECK(c.detail == "the phase does not resume sessions");
  }
  SECTION("only faulty identities in the phase") {
    p.resumption = Resumption::psk;
    p.identities = {{"expired", 1.0}};
    const auto c = load::check_revoked_resume(p, load_scenario(), load_fixtures(), *target);
    CHECK(c.outcome == "not_checked");
    CHECK_THAT(c.detail, Catch::Contains("no valid generated identity"));
  }
  SECTION("a target without resumption: inconclusive, with the reason") {
    auto plain = serve(TargetKind::embedded, false);
    p.resumption = Resumption::psk;
    const auto c = load::check_revoked_resume(p, load_scenario(), load_fixtures(), *plain);
    CHECK(c.outcome == "inconclusive");
    CHECK_THAT(c.detail, Catch::Contains("no resumable session"));
  }
}

}  // namespace
}  // namespace mtls::test
