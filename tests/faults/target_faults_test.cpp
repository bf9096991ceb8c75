// The target dies, comes back, or stalls in the middle of a load phase. The engine counts
// the errors by class, runs the phase to its configured end, and the result says when things
// happened: events (errors began, recovered) and a per-second error series by class. A
// stall shows in the open-loop latency measured from the intended start.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/process.hpp"
#include "faults_support.hpp"

namespace mtls::test {
namespace {

using namespace std::chrono_literals;

const measure::Event* find_event(const load::PhaseResult& r, const std::string& what,
                                 double after_s = -1) {
  for (const auto& e : r.events.events())
    if (e.what == what && e.t_s >= after_s) return &e;
  return nullptr;
}

bool error_seen(const load::PhaseResult& r, const std::string& key) {
  for (const auto& e : r.events.events())
    if (e.error == key) return true;
  return false;
}

}  // namespace

TEST_CASE("target killed mid-phase and restarted: errors by class, phase runs to its end, "
          "events say when", "[faults][target]") {
  const bool open_loop = GENERATE(false, true);
  SECTION(open_loop ? "open loop" : "closed loop") {
    const int port = common::free_loopback_port();
    auto serve = std::make_unique<ServeProcess>(port);
    auto phase = open_loop ? open_phase(50, 4) : closed_phase(2, 4);
    auto opts = quiet(1000ms);
    double killed_at = -1, restarted_at = -1;
    opts.on_progress = [&](const load::Progress& p) {
      if (killed_at < 0 && p.elapsed_s >= 1.2) {
        serve->kill_hard();
        killed_at = p.elapsed_s;
      } else if (killed_at >= 0 && restarted_at < 0 && p.elapsed_s >= killed_at + 0.7) {
        serve = std::make_unique<ServeProcess>(port);  // same port; waits until it listens
        restarted_at = p.elapsed_s;
      }
    };
    const auto r = load::run_phase(phase, faults_scenario(), faults_fixtures(), endpoint_at(port), opts);
    INFO("errors " << r.errors.to_json().dump() << "\nevents " << r.events.to_json().dump()
                   << "\nkilled at " << killed_at << " s, restarted at " << restarted_at << " s");
    REQUIRE(killed_at > 0);
    REQUIRE(restarted_at > killed_at);

    // Counted by class; the phase ran to its configured end, not cut short.
    CHECK(r.errors.get("connect:refused") > 0);
    CHECK(r.counts.connections_failed == r.errors.total());
    CHECK(r.stop_reason == "duration");
    CHECK_FALSE(r.partial);
    CHECK(r.measured_s == Approx(4.0));
    if (open_loop)  // every due arrival is accounted for: ended in the window or the drain, or missed
      CHECK(r.counts.connections + r.drain.counts.connections + r.counts.arrivals_missed == 200);

    // When: errors began around the kill, connections succeeded again after the restart.
    const auto* begin = find_event(r, "errors_begin");
    REQUIRE(begin != nullptr);
    CHECK(begin->t_s >= killed_at - 0.2);
    CHECK(begin->t_s <= killed_at + 0.5);
    CHECK(error_seen(r, "connect:refused"));
    const auto* back = find_event(r, "recovered", begin->t_s);
    REQUIRE(back != nullptr);
    CHECK(back->t_s >= restarted_at - 0.3);
    CHECK(back->t_s <= 4.0);
    CHECK(back->errors == r.errors.total());

    // The per-second series: answers before the kill and after the restart, refusals between.
    const auto& secs = r.series.seconds();
    REQUIRE(secs.size() >= 3);
    CHECK(secs[0].requests > 0);
    CHECK(secs[0].errors == 0);
    const auto dead = static_cast<std::size_t>((killed_at + restarted_at) / 2);
    CHECK(secs[dead].errors_by_class.count("connect:refused") == 1);
    CHECK(secs.back().requests > 0);
  }
}

TEST_CASE("target stopped (SIGSTOP) for a second: the open-loop latency shows the stall",
          "[faults][target][stall]") {
  const int port = common::free_loopback_port();
  ServeProcess serve(port);
  constexpr double kRate = 40, kDuration = 3, kStall = 1.0;
  auto phase = open_phase(kRate, kDuration);
  auto opts = quiet(5000ms);  // longer than the stall: stalled connections finish, not fail
  opts.max_in_flight_per_thread = 1;  // arrivals during the stall wait, as a client would
  double paused_at = -1, resumed_at = -1;
  opts.on_progress = [&](const load::Progress& p) {
    if (paused_at < 0 && p.elapsed_s >= 1.0) {
      serve.pause();
      paused_at = p.elapsed_s;
    } else if (paused_at >= 0 && resumed_at < 0 && p.elapsed_s >= paused_at + kStall) {
      serve.resume();
      resumed_at = p.elapsed_s;
    }
  };
  const auto r = load::run_phase(phase, faults_scenario(), faults_fixtures(), endpoint_at(port), opts);
  const double stall = resumed_at - paused_at;
  const auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  INFO("stall " << stall << " s from " << paused_at << "; total p90 "
                << ms(r.total.percentile(0.9)) << " p99 " << ms(r.total.percentile(0.99))
                << " max " << ms(r.total.max()) << " ms; uncorrected p90 "
                << ms(r.total_uncorrected.percentile(0.9)) << " ms; missed "
                << r.counts.arrivals_missed << "; series "
                << r.series.to_json().dump());
  REQUIRE(paused_at > 0);
  REQUIRE(resumed_at > paused_at);

  // Measured from the intended start, the stall is in the latency...
  CHECK(ms(r.total.max()) >= 0.9 * stall * 1000);
  CHECK(ms(r.total.percentile(0.99)) >= 0.7 * stall * 1000);
  // ...measured from the actual start, it mostly is not: only the one connection in flight
  // when the target stopped waited through it, the arrivals queued behind it did not count
  // their wait.
  CHECK(ms(r.total_uncorrected.percentile(0.9)) < ms(r.total.percentile(0.9)) / 3);
  // Nothing silently dropped, and a stall is not an error. A connection due near the window's
  // end may end in the drain (slow builds: sanitizers), where it is counted apart.
  CHECK(r.counts.connections + r.drain.counts.connections + r.counts.arrivals_missed ==
        static_cast<std::uint64_t>(kRate * kDuration));
  CHECK(r.drain.counts.arrivals_missed == 0);
  CHECK(r.counts.connections_failed + r.drain.counts.connections_failed == 0);
  // The per-second series shows the stalled second: hardly any connection ended in it, and
  // the next one holds the stalled latencies.
  const auto& secs = r.series.seconds();
  const auto s = static_cast<std::size_t>(paused_at + stall / 2);
  REQUIRE(secs.size() > s + 1);
  CHECK(secs[s].connections < kRate / 2);
  CHECK(ms(std::max(secs[s].latency.max(), secs[s + 1].latency.max())) >= 0.9 * stall * 1000);
}

}  // namespace mtls::test
