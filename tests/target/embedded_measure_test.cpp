// Rough numbers for the report: how long the embedded target takes to start and how many
// handshakes (+ one request each) a single client thread gets through. Hidden: run with
//   embedded_test "[.measure]"
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>

#include "embedded_support.hpp"

namespace mtls::test {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

TEST_CASE("embedded target start time and single-client handshake rate", "[.measure]") {
  fixtures();  // PKI generation is not the target's start time
  constexpr int kStarts = 20;
  const auto t0 = Clock::now();
  for (int i = 0; i < kStarts; ++i) serve(strict_target());
  WARN("start+stop: " << ms_since(t0) / kStarts << " ms per server");

  struct Mode {
    const char* name;
    scenario::TlsVersion version;
    bool resume;
  };
  auto server = serve(strict_target());
  for (const Mode m : {Mode{"TLS1.3 full", scenario::TlsVersion::tls1_3, false},
                       Mode{"TLS1.3 resumed", scenario::TlsVersion::tls1_3, true},
                       Mode{"TLS1.2 full", scenario::TlsVersion::tls1_2, false},
                       Mode{"TLS1.2 resumed", scenario::TlsVersion::tls1_2, true}}) {
    ClientRun run = as("valid", m.version);
    if (m.resume) run.resume = run_client(server->endpoint(), run).session;
    constexpr int kConnections = 300;
    int ok = 0;
    const auto t = Clock::now();
    const std::clock_t cpu = std::clock();
    for (int i = 0; i < kConnections; ++i) {
      const auto r = run_client(server->endpoint(), run);
      ok += r.answers.size() == 1 && r.resumed == m.resume;
      // TLS 1.3 clients resume with the newest ticket, as real clients do.
      if (m.resume && r.session) run.resume = r.session;
    }
    const double ms = ms_since(t);
    const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
    CHECK(ok == kConnections);
    CHECK(server->counters().handshakes_failed == 0);
    // CPU per connection covers client and server (same process): robust on a busy machine.
    WARN(m.name << ": " << kConnections * 1000.0 / ms << " connections/s (handshake + 1 request), "
                << cpu_ms / kConnections << " ms CPU per connection, client+server");
  }
}

}  // namespace mtls::test
