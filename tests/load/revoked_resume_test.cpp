// The revoked-resumption check against the embedded target and a real nginx: a client whose
// certificate is revoked after its session began offers that session again.
#include <catch2/catch.hpp>
#include <chrono>
#include <fmt/core.h>

#include "cases/revoked_resume.hpp"
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
  const auto c = cases::check_revoked_resume(p, load_scenario(), load_fixtures(), *target);
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
    const auto c = cases::check_revoked_resume(p, load_scenario(), load_fixtures(), *target);
    CHECK(c.outcome == "not_checked");
    CHECK(c.detail == "the phase does not resume sessions");
  }
  SECTION("only faulty identities in the phase") {
    p.resumption = Resumption::psk;
    p.identities = {{"expired", 1.0}};
    const auto c = cases::check_revoked_resume(p, load_scenario(), load_fixtures(), *target);
    CHECK(c.outcome == "not_checked");
    CHECK_THAT(c.detail, Catch::Contains("no valid generated identity"));
  }
  SECTION("a target without resumption: inconclusive, with the reason") {
    auto plain = serve(TargetKind::embedded, false);
    p.resumption = Resumption::psk;
    const auto c = cases::check_revoked_resume(p, load_scenario(), load_fixtures(), *plain);
    CHECK(c.outcome == "inconclusive");
    CHECK_THAT(c.detail, Catch::Contains("no resumable session"));
  }
}

// The real embedded target, seen through a port that is closed either from the start or from
// the moment the check pushes the revoking CRL (a gateway that dies on its reload).
class GoneTarget : public target::RunningTarget {
 public:
  GoneTarget(std::unique_ptr<target::RunningTarget> real, bool gone_at_start)
      : real_(std::move(real)), ep_(real_->endpoint()) {
    if (gone_at_start) go();
  }
  target::Endpoint endpoint() const override { return ep_; }
  std::string describe() const override { return "embedded target that goes away"; }
  bool replace_crls(const std::string&) override {
    go();
    return true;
  }
  void stop() override { real_->stop(); }

 private:
  void go() {
    real_->stop();  // the port is free once stop() returns: nobody listens on it
  }
  std::unique_ptr<target::RunningTarget> real_;
  target::Endpoint ep_;
};

TEST_CASE("a TCP connect error is never a refusal on resumption", "[load][revoked]") {
  struct Case {
    const char* what;
    bool gone_at_start;
    const char* when;
  };
  const auto row = GENERATE(values<Case>({
      {"nothing listens on the port", true, "before revocation"},
      {"the target stops listening when its CRL changes", false, "after its CRL was replaced"},
  }));
  INFO(row.what);
  GoneTarget target(serve_embedded(), row.gone_at_start);
  auto p = short_phase(1);
  p.resumption = Resumption::psk;
  p.tls_version = TlsVersion::tls1_3;
  const auto started = std::chrono::steady_clock::now();
  const auto c = cases::check_revoked_resume(p, load_scenario(), load_fixtures(), target);
  INFO(c.detail);
  CHECK(c.outcome == "unreachable");
  CHECK_THAT(c.detail, Catch::StartsWith(fmt::format("no TCP connection to 127.0.0.1:{} {} (connect:",
                                                     target.endpoint().port, row.when)));
  CHECK_THAT(c.detail, Catch::Contains("says nothing about the revoked certificate"));
  CHECK_FALSE(c.resumed);
  CHECK(c.status == 0);
  CHECK_FALSE(c.restored);
  // A dead target is not polled for the whole settle time.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

}  // namespace
}  // namespace mtls::test
