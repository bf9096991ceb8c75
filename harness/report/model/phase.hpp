// A load phase's result as the report holds it: counters (declared once, in
// measure/counters.hpp), per-identity outcomes, the drain, latency histograms, the time series,
// CPU, gates and the revoked-resumption check. load/ produces it; report/ writes, reads back,
// merges and renders it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "measure/counters.hpp"
#include "measure/errors.hpp"
#include "measure/events.hpp"
#include "measure/histogram.hpp"
#include "measure/timeseries.hpp"
#include "scenario/scenario.hpp"

namespace mtls::report {

// The conformance question a resumption phase raises (cases/revoked_resume.hpp runs it): a
// client's certificate is revoked after its session was established; does resuming that
// session still get it in?
struct RevokedResumeCheck {
  // gets_in: resumed after revocation and answered 2xx; refused: the server did not let the
  // revoked client in on resumption (full handshake forced and refused, or resumed and
  // refused); inconclusive: a precondition did not hold (see detail); not_checked: the
  // target cannot take a new CRL, or the phase does not resume; unreachable: no TCP
  // connection at some step (never read as a refusal).
  std::string outcome = "not_checked";
  std::string identity;
  std::string detail;          // one sentence: what happened, with the observed answers
  bool resumed = false;        // step 4 resumed the session
  int status = 0;              // step 4's HTTP status, 0 when none
  double revocation_effective_ms = 0;  // step 2 -> first refusal in step 3
  bool restored = false;       // the original CRLs are in effect again
};

// Field by field from measure/counters.hpp: threads and shards add up exactly.
struct Counts {
#define MTLS_COUNT_MEMBER(name, what) std::uint64_t name = 0;
  MTLS_LOAD_COUNTS(MTLS_COUNT_MEMBER)
  Counts& operator+=(const Counts& o);
  std::uint64_t handshakes_ok() const { return handshakes_full + handshakes_resumed; }
  std::uint64_t handshake_attempts() const { return handshakes_ok() + handshakes_failed; }
};

struct ResumptionStats {
  MTLS_RESUMPTION_COUNTS(MTLS_COUNT_MEMBER)
#undef MTLS_COUNT_MEMBER
  ResumptionStats& operator+=(const ResumptionStats& o);
  double accepted_ratio() const {
    return offered ? static_cast<double>(accepted) / static_cast<double>(offered) : 0;
  }
};

// What one identity of the phase's mix met, and what it should have met.
struct IdentityOutcome {
  std::string name;  // an identity's name, or "none"
  bool must_refuse = false;  // its fault (or no certificate under verify = "required")
  // What the counts are judged against: "accepted", "refused with tls_alert:certificate_expired",
  // or why neither is expected ("this gateway cannot refuse weak_key (profile caddy)").
  std::string expect;
#define MTLS_COUNT_MEMBER(name, what) std::uint64_t name = 0;
  MTLS_IDENTITY_COUNTS(MTLS_COUNT_MEMBER)
#undef MTLS_COUNT_MEMBER
  IdentityOutcome& operator+=(const IdentityOutcome& o);  // the counts; name and expect kept
};

// What happened after the measured window, while connections still in flight ended: counted
// here and in no figure, rate or gate of the window.
struct Drain {
  double limit_s = 0;  // the longest the drain may last (the phase's drain_s)
  double seconds = 0;  // how long it lasted: window end to the last connection's end
  Counts counts;
  measure::ErrorCounts errors;
};

struct CpuStats {
  double client_us = 0;
  std::optional<double> target_us;
  std::string target_source;  // "pid 1234 (+ children)", "in-process", "unknown"
  std::optional<double> client_us_per_handshake;
  std::optional<double> target_us_per_handshake;
};

struct GateVerdict {
  std::string name;   // the gate key as written in the scenario, e.g. "handshake_p99_ms"
  double limit = 0;
  std::optional<double> measured;  // nullopt: could not be measured (fails)
  bool pass = false;
  std::string text;   // "handshake_p99_ms <= 5: measured 3.21 (pass)"
  // A gate judged by an answer rather than a number (revoked_resume = "refused"): what was
  // required and what was seen, shown instead of `limit` and `measured`.
  std::string limit_text;
  std::string measured_text;
};

// What one load shard ran of a phase (see shard.hpp); absent in an unsharded or merged result.
struct ShardShare {
  int index = 0;
  int count = 1;
  bool runs = true;        // false: this shard's share was zero, nothing ran
  std::string note;        // why it did not run
  int connections = 0;     // this shard's part of the phase
  double rate = 0;
  std::int64_t max_connections_total = 0;
};

// Which of the engine's departures from a stock OpenSSL client were on in a phase (the three
// caches of PhaseOptions), so that a figure says which client it describes.
struct ClientRecord {
  bool server_verification_cache = false;
  bool peer_certificate_cache = false;  // interposed d2i_X509 (harness/interpose)
  bool fetch_cache = false;             // interposed EVP_*_fetch
  bool stock_openssl() const {
    return !server_verification_cache && !peer_certificate_cache && !fetch_cache;
  }
  // "stock OpenSSL" or "OpenSSL with the engine's caches: server verification, ...".
  std::string describe() const;
};

struct PhaseResult {
  std::string name;
  std::string mode;  // "closed" or "open"
  scenario::LoadPhase phase;
  int threads = 0;
  double measured_s = 0;  // length of the measured window actually run
  bool partial = false;   // stopped early by a stop request
  std::string stop_reason;  // "duration", "max_connections_total", "stopped", "no shard share"
  // Wall clock (s since the Unix epoch) when the measured window began: lines up the time
  // series of shards that ran at the same time on different machines.
  double measured_from_unix_s = 0;
  std::optional<ShardShare> shard;

  Counts counts;  // inside the measured window
  ResumptionStats resumption;
  measure::ErrorCounts errors;
  std::vector<IdentityOutcome> identities;  // in the phase's order, inside the window
  Drain drain;    // after it
  double phase_s = 0;  // the phase's whole length: warm-up, window and drain
  measure::Histogram connect;            // TCP connect
  measure::Histogram handshake_full;     // TLS handshake, after connect
  measure::Histogram handshake_resumed;
  measure::Histogram ttfb;               // request written -> response header read
  measure::Histogram total;              // intended start -> last response read
  measure::Histogram total_uncorrected;  // actual start -> last response read
  measure::TimeSeries series;
  measure::EventLog events;  // when errors began and when connections succeeded again
  CpuStats cpu;
  std::optional<ClientRecord> client;  // absent in a report written before it was recorded
  long peak_open_connections = 0;
  long rss_bytes_at_peak = 0;  // this process's RSS when the most connections were open
  std::vector<GateVerdict> gates;
  // Run after the phase by the CLI when the phase resumes sessions (cases/revoked_resume.hpp).
  std::optional<RevokedResumeCheck> revoked_resume;

  double handshakes_per_s() const;
  // unexpected errors / (ok + failed): refusals the gateway owes a faulty identity are not
  // errors.
  double error_rate() const;
  bool gates_pass() const;
};

}  // namespace mtls::report
