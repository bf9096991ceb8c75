// The load engine against the embedded target: short phases bounded by a connection count.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <nlohmann/json.hpp>

#include "load_support.hpp"
#include "report/phase_json.hpp"
#include "report/phase_text.hpp"
#include "report/model/gates.hpp"

namespace mtls::test {
namespace {

using scenario::Resumption;
using scenario::TlsVersion;

using scenario::TargetKind;

// The scenario as the CLI would have it for this target: judged by its profile.
scenario::Scenario scenario_for(const target::RunningTarget& t) {
  scenario::Scenario s = load_scenario();
  s.target.profile = t.pid() == 0 ? "strict" : "nginx";
  return s;
}

load::PhaseResult run(const scenario::LoadPhase& p, const scenario::Scenario& s,
                      const target::RunningTarget& t, load::PhaseOptions o) {
  auto r = load::run_phase(p, s, load_fixtures(), t.endpoint(), o);
  INFO(report::to_json(r).dump(2));
  std::ostringstream summary;
  report::print_summary(summary, r);
  UNSCOPED_INFO(summary.str());
  return r;
}

load::PhaseResult run(const scenario::LoadPhase& p, const target::RunningTarget& t,
                      load::PhaseOptions o) {
  return run(p, scenario_for(t), t, o);
}

load::PhaseResult run(const scenario::LoadPhase& p, const target::RunningTarget& t) {
  return run(p, t, quiet_for(t));
}

// The same bounded phases run against the embedded target and a real nginx (one worker).
TargetKind each_target() { return GENERATE(TargetKind::embedded, TargetKind::nginx); }

TEST_CASE("counts add up: one handshake per connection, N requests per connection", "[load]") {
  const auto kind = each_target();
  CAPTURE(scenario::to_string(kind));
  auto target = serve(kind);
  struct Row {
    TlsVersion version;
    int requests;
  };
  const auto row = GENERATE(Row{TlsVersion::tls1_3, 1}, Row{TlsVersion::tls1_3, 3},
                            Row{TlsVersion::tls1_2, 2});
  auto p = short_phase(40);
  p.tls_version = row.version;
  p.requests_per_connection = row.requests;
  const auto r = run(p, *target);
  CAPTURE(scenario::to_string(row.version), row.requests);
  CHECK(r.errors.total() == 0);
  CHECK(r.counts.connections == 40);
  CHECK(r.counts.connections_ok == 40);
  CHECK(r.counts.handshakes_full == 40);
  CHECK(r.counts.handshakes_resumed == 0);
  CHECK(r.counts.requests == 40u * static_cast<unsigned>(row.requests));
  CHECK(r.counts.responses_2xx == 40u * static_cast<unsigned>(row.requests));
  CHECK(r.handshake_full.count() == 40);
  CHECK(r.ttfb.count() == 40u * static_cast<unsigned>(row.requests));
  CHECK(r.total.count() == 40);
  CHECK(r.stop_reason == "max_connections_total");
  CHECK(r.cpu.client_us_per_handshake.value_or(0) > 0);
  CHECK(r.cpu.target_us_per_handshake.has_value());
}

struct ResumeRow {
  Resumption mode;
  TlsVersion version;
};

TEST_CASE("resumption: accepted for every offer when the server resumes", "[load]") {
  const auto kind = each_target();
  CAPTURE(scenario::to_string(kind));
  auto target = serve(kind, true);
  const auto row = GENERATE(ResumeRow{Resumption::session_id, TlsVersion::tls1_2},
                            ResumeRow{Resumption::ticket, TlsVersion::tls1_2},
                            ResumeRow{Resumption::psk, TlsVersion::tls1_3});
  auto p = short_phase(60, 2);
  p.resumption = row.mode;
  p.tls_version = row.version;
  const auto r = run(p, *target);
  CAPTURE(scenario::to_string(row.mode));
  CHECK(r.errors.total() == 0);
  CHECK(r.resumption.offered >= 50);
  CHECK(r.resumption.accepted == r.resumption.offered);
  CHECK(r.resumption.accepted_ratio() == 1.0);
  CHECK(r.counts.handshakes_resumed == r.resumption.accepted);
  CHECK(r.counts.handshakes_full + r.counts.handshakes_resumed == 60);
  // The backend still saw the client certificate on resumed connections.
  CHECK(r.resumption.server_reported == r.resumption.accepted);
  CHECK(r.resumption.identity_kept == r.resumption.accepted);
  CHECK(r.resumption.identity_lost == 0);
  CHECK(r.resumption.disagreements == 0);
  CHECK(r.handshake_resumed.count() == r.counts.handshakes_resumed);
  if (row.mode == Resumption::session_id)
    CHECK(r.resumption.tickets_received == 0);
  else
    CHECK(r.resumption.tickets_received > 0);
}

TEST_CASE("resumption: exactly zero when the server has no session cache and no tickets",
          "[load]") {
  const auto kind = each_target();
  CAPTURE(scenario::to_string(kind));
  auto target = serve(kind, false);
  const auto row = GENERATE(ResumeRow{Resumption::session_id, TlsVersion::tls1_2},
                            ResumeRow{Resumption::ticket, TlsVersion::tls1_2},
                            ResumeRow{Resumption::psk, TlsVersion::tls1_3});
  auto p = short_phase(30, 2);
  p.resumption = row.mode;
  p.tls_version = row.version;
  const auto r = run(p, *target);
  CAPTURE(scenario::to_string(row.mode));
  CHECK(r.errors.total() == 0);
  CHECK(r.counts.handshakes_resumed == 0);
  CHECK(r.resumption.accepted == 0);
  if (kind == TargetKind::nginx && row.version == TlsVersion::tls1_3) {
    // nginx 1.22 with ssl_session_tickets off and ssl_session_cache off still sends TLS 1.3
    // tickets (OpenSSL's stateful tickets are not turned off), and then declines every one.
    CHECK(r.resumption.tickets_received >= 30);
    CHECK(r.resumption.offered > 0);
  } else {
    CHECK(r.resumption.tickets_received == 0);
  }
  CHECK(r.counts.handshakes_full == 30);
}

// The client sends only when OpenSSL has to wait for the server: a flight leaves as one
// send, and a last flight (TLS 1.3, or a resumed TLS 1.2 handshake) together with the request.
TEST_CASE("the client's last flight and its first request leave in one send", "[load]") {
  const auto kind = each_target();
  CAPTURE(scenario::to_string(kind));
  auto target = serve(kind, true);
  struct Row {
    TlsVersion version;
    Resumption mode;
    int requests;
    int sends_full, sends_resumed;  // per connection
  };
  const auto row = GENERATE(Row{TlsVersion::tls1_3, Resumption::none, 1, 2, 0},
                            Row{TlsVersion::tls1_3, Resumption::none, 3, 4, 0},
                            Row{TlsVersion::tls1_3, Resumption::psk, 1, 2, 2},
                            Row{TlsVersion::tls1_2, Resumption::none, 1, 3, 0},
                            Row{TlsVersion::tls1_2, Resumption::ticket, 2, 4, 3});
  CAPTURE(scenario::to_string(row.version), scenario::to_string(row.mode), row.requests);
  auto p = short_phase(30, 2);
  p.tls_version = row.version;
  p.resumption = row.mode;
  p.requests_per_connection = row.requests;
  const auto r = run(p, *target);
  CHECK(r.errors.total() == 0);
  CHECK(r.counts.connections_ok == 30);
  if (row.mode != Resumption::none) CHECK(r.counts.handshakes_resumed >= 25);
  CHECK(r.counts.client_sends ==
        r.counts.handshakes_full * static_cast<unsigned>(row.sends_full) +
            r.counts.handshakes_resumed * static_cast<unsigned>(row.sends_resumed));
}

// Memory measurements hold every connection open after its response until the phase ends.
TEST_CASE("held connections: one each per slot, answered, released at the end", "[load]") {
  const auto kind = each_target();
  CAPTURE(scenario::to_string(kind));
  auto target = serve(kind, true);
  auto p = short_phase(12, 12);
  p.duration_s = 1.5;
  auto o = quiet_for(*target);
  o.hold_connections = true;
  const auto r = run(p, *target, o);
  CHECK(r.errors.total() == 0);
  CHECK(r.counts.connections_ok == 12);
  CHECK(r.counts.responses_2xx == 12);
  CHECK(r.counts.client_sends == 24);  // ClientHello, then the last flight with the request
  CHECK(r.stop_reason == "max_connections_total");
}

// The expired identity is refused by every target; how that counts depends on what the
// scenario says the gateway owes it. Judged by the target's own profile it is refused as
// expected (not an error); judged by a profile whose wire form the target does not use it is
// refused another way (an unexpected error); declared valid it is an unexpected refusal, and
// a valid identity declared faulty gets in wrongly (a security failure, whatever the gates).
TEST_CASE("refusals: owed, another way, unexpected, and wrongly accepted", "[load]") {
  const auto kind = each_target();
  auto target = serve(kind);
  const auto version = GENERATE(TlsVersion::tls1_2, TlsVersion::tls1_3);
  enum class Judged { own_profile, other_profile, expired_declared_valid, valid_declared_revoked };
  const auto judged = GENERATE(Judged::own_profile, Judged::other_profile,
                               Judged::expired_declared_valid, Judged::valid_declared_revoked);
  auto s = scenario_for(*target);
  if (judged == Judged::other_profile) s.target.profile = s.target.profile == "nginx" ? "strict" : "nginx";
  for (auto& id : s.identities) {
    if (judged == Judged::expired_declared_valid && id.name == "expired") id.fault = scenario::Fault::none;
    if (judged == Judged::valid_declared_revoked && id.name == "valid") id.fault = scenario::Fault::revoked;
  }
  auto p = short_phase(40);
  p.tls_version = version;
  p.identities = {{"valid", 1.0}, {"expired", 1.0}};
  const auto r = run(p, s, *target, quiet_for(*target));
  CAPTURE(scenario::to_string(kind), scenario::to_string(version), static_cast<int>(judged));
  const auto expect = expired_refusal(kind, version);
  const auto refused = r.errors.get(expect.error_key);
  CHECK(refused > 5);  // half of 40 on average
  CHECK(r.errors.total() == refused);  // every failure is the expired identity's refusal
  CHECK(r.counts.connections_ok + refused == 40);
  if (expect.handshake_fails) {
    CHECK(r.counts.handshakes_failed == refused);
    CHECK(r.counts.handshakes_full == r.counts.connections_ok);
  } else {  // the handshake completed; the refusal is the HTTP answer
    CHECK(r.counts.handshakes_failed == 0);
    CHECK(r.counts.handshakes_full == 40);
    CHECK(r.counts.responses == 40);
  }
  REQUIRE(r.identities.size() == 2);
  const auto& valid = r.identities[0];
  const auto& expired = r.identities[1];
  CHECK(valid.name == "valid");
  CHECK(expired.name == "expired");
  CHECK(r.counts.refused_as_expected + r.counts.unexpected_errors == refused);
  std::uint64_t series_refused = 0, series_errors = 0;
  for (const auto& sec : r.series.seconds()) {
    series_refused += sec.refused;
    series_errors += sec.errors;
  }
  CHECK(series_refused == r.counts.refused_as_expected);
  CHECK(series_errors == r.counts.unexpected_errors);
  const auto must_refuse = std::find_if(r.gates.begin(), r.gates.end(),
                                        [](const load::GateVerdict& g) { return g.name == "must_refuse"; });
  switch (judged) {
    case Judged::own_profile:
      CHECK(expired.must_refuse);
      CHECK(expired.refused_as_expected == refused);
      CHECK(expired.expect.find(expect.error_key) != std::string::npos);
      CHECK(r.counts.unexpected_errors == 0);
      CHECK(r.error_rate() == 0);
      CHECK(valid.accepted == r.counts.connections_ok);
      REQUIRE(must_refuse != r.gates.end());
      CHECK(must_refuse->pass);
      CHECK(r.events.events().empty());  // owed refusals are no error episodes
      break;
    case Judged::other_profile:
      CHECK(expired.must_refuse);
      CHECK(expired.refused_as_expected == 0);
      CHECK(expired.unexpected_errors == refused);
      CHECK(r.error_rate() == Approx(static_cast<double>(refused) / 40));
      REQUIRE(must_refuse != r.gates.end());
      CHECK(must_refuse->pass);  // refused, if not the way the profile says: nobody got in
      break;
    case Judged::expired_declared_valid:
      CHECK_FALSE(expired.must_refuse);
      CHECK(expired.expect == "accepted");
      CHECK(expired.unexpected_errors == refused);
      CHECK(r.error_rate() == Approx(static_cast<double>(refused) / 40));
      CHECK(must_refuse == r.gates.end());  // nobody in the mix is owed a refusal
      break;
    case Judged::valid_declared_revoked:
      CHECK(valid.must_refuse);
      CHECK(valid.wrongly_accepted == r.counts.connections_ok);
      CHECK(r.counts.wrongly_accepted == r.counts.connections_ok);
      REQUIRE(must_refuse != r.gates.end());
      CHECK_FALSE(must_refuse->pass);
      CHECK(must_refuse->text.find("valid got in") != std::string::npos);
      CHECK_FALSE(r.gates_pass());
      CHECK(expired.refused_as_expected == refused);
      break;
  }
}

TEST_CASE("gates: a too-tight gate fails, a loose one passes", "[load]") {
  const auto kind = each_target();
  CAPTURE(scenario::to_string(kind));
  auto target = serve(kind);
  auto p = short_phase(20);
  p.gates.handshake_p99_ms = 0.001;           // 1 µs: no real handshake is that fast
  p.gates.error_rate_max = 0.0;               // holds: no faulty identity
  p.gates.client_cpu_us_per_handshake_max = 1e7;
  const auto r = run(p, *target);
  REQUIRE(r.gates.size() == 3);
  CHECK(r.gates[0].name == "handshake_p99_ms");
  CHECK_FALSE(r.gates[0].pass);
  CHECK(r.gates[1].name == "error_rate_max");
  CHECK(r.gates[1].pass);
  CHECK(r.gates[2].pass);
  CHECK_FALSE(r.gates_pass());
  CHECK(report::gate_line(r).find("handshake_p99_ms <= 0.001") != std::string::npos);
  const auto j = report::to_json(r);
  CHECK(j["gates_pass"] == false);
  CHECK(j["gates"][0]["pass"] == false);
}

TEST_CASE("a gate that cannot be measured fails instead of passing silently", "[load]") {
  auto target = serve_embedded();
  auto p = short_phase(10);
  p.gates.target_cpu_us_per_handshake_max = 1e9;
  auto o = quiet();
  o.target_in_process = false;  // no pid, not in process: target CPU unknown
  o.target_pid = 0;
  const auto r = run(p, *target, o);
  REQUIRE(r.gates.size() == 1);
  CHECK_FALSE(r.gates[0].measured.has_value());
  CHECK_FALSE(r.gates[0].pass);
}

TEST_CASE("open loop: arrivals at the configured rate, latency from the intended start",
          "[load]") {
  auto target = serve_embedded();
  scenario::LoadPhase p;
  p.name = "open";
  p.rate = 100;
  p.duration_s = 1.0;
  p.threads = 2;
  const auto r = run(p, *target);
  CHECK(r.mode == "open");
  CHECK(r.errors.total() == 0);
  // 100 arrivals are due in the window; each is started or reported missed. One started
  // late in the window may end in the drain, and is counted there.
  CHECK(r.counts.connections + r.drain.counts.connections + r.counts.arrivals_missed == 100);
  CHECK(r.drain.counts.arrivals_missed == 0);
  CHECK(r.counts.connections_ok + r.drain.counts.connections_ok >= 95);
  CHECK(r.total.count() == r.total_uncorrected.count());
  CHECK(r.total.percentile(0.5) >= r.total_uncorrected.percentile(0.5));
  CHECK(r.measured_s == Approx(1.0));
}

TEST_CASE("a stop request ends the phase early and marks it partial", "[load]") {
  auto target = serve_embedded();
  scenario::LoadPhase p;
  p.name = "stopped";
  p.connections = 4;
  p.duration_s = 30;
  p.threads = 1;
  std::atomic<bool> stop{false};
  auto o = quiet();
  o.stop = &stop;
  o.on_progress = [&](const load::Progress& pr) {
    if (pr.connections >= 10) stop = true;
  };
  const auto began = std::chrono::steady_clock::now();
  const auto r = run(p, *target, o);
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(5));
  CHECK(r.partial);
  CHECK(r.stop_reason == "stopped");
  CHECK(r.counts.connections_ok >= 10);
  CHECK(r.errors.total() == 0);
}

TEST_CASE("invalid phases are refused with what to change", "[load]") {
  auto target = serve_embedded();
  auto both = short_phase(10);
  both.rate = 10;
  CHECK_THROWS_WITH(run(both, *target), Catch::Contains("exactly one of connections"));
  auto psk12 = short_phase(10);
  psk12.resumption = Resumption::psk;
  psk12.tls_version = TlsVersion::tls1_2;
  CHECK_THROWS_WITH(run(psk12, *target), Catch::Contains("'psk' is TLS 1.3"));
  auto unknown = short_phase(10);
  unknown.identities = {{"nobody", 1}};
  CHECK_THROWS_WITH(run(unknown, *target), Catch::Contains("identity 'nobody'"));
}

}  // namespace
}  // namespace mtls::test
