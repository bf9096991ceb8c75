// The load engine: runs one [[load]] phase against a target endpoint and measures it.
//
// Timeline of a phase (t = 0 when the workers start):
//   [0, ramp_up_s)                 concurrency (closed loop) or rate (open loop) grows linearly
//   [0, warmup_s)                  connections started here run but are not counted
//   [warmup_s, warmup_s+duration_s) the measured window; no connection starts after it
//   then the drain: connections still in flight get up to drain_s (default 2 s, at most the
//                  per-step timeout) to end, and are cut off (aborted, not errors) after it.
// Every figure, rate and gate counts only what happened inside the window: a connection that
// ends in the drain is counted in PhaseResult::drain, apart. max_connections_total ends the
// phase earlier once that many measured connections were started; the window then closes
// when the last of them ends.
//
// Latency: `total` is measured from the *intended* start (open loop: the arrival's scheduled
// time, so a stalled target shows as latency instead of as fewer samples); total_uncorrected
// from the moment the connection was really started, for contrast. Closed loop: both equal.
//
// CPU: client CPU is the worker threads' own rusage (RUSAGE_THREAD) over the measured
// window. Target CPU: with target_pid, utime+stime of that process and its descendants from
// /proc (nginx master + workers); with target_in_process (the embedded target runs in this
// process), this process's CPU minus the client worker threads' CPU; otherwise unknown.
// Both are divided by handshake attempts (full + resumed + failed).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <sys/types.h>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "measure/counters.hpp"
#include "measure/errors.hpp"
#include "measure/events.hpp"
#include "measure/histogram.hpp"
#include "load/revoked_resume.hpp"
#include "measure/timeseries.hpp"
#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::load {

// What a live progress line shows; also handed to PhaseOptions::on_progress.
struct Progress {
  double elapsed_s = 0;        // since the phase started (warm-up included)
  double handshakes_per_s = 0; // over the last interval
  double p99_ms = 0;           // worst worker's last completed second
  std::uint64_t connections = 0;
  std::uint64_t errors = 0;
  std::uint64_t open = 0;      // connections in flight (or held) right now
  double resumed_share = 0;    // resumed / completed handshakes so far
  bool warmup = false;
};

struct PhaseOptions {
  pid_t target_pid = 0;            // measure this process tree's CPU; 0: not a process we know
  bool target_in_process = false;  // the embedded target runs in this process (see above)
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): stop cleanly, mark partial
  // Progress: called about once a second when set; otherwise, with `progress_to_stderr`, an
  // updating line on a tty, a line every 5 s when stderr is not a tty.
  std::function<void(const Progress&)> on_progress;
  bool progress_to_stderr = true;
  std::chrono::milliseconds timeout{5000};  // per step: connect, handshake, each response
  // Re-verify a server leaf certificate identical (DER) to one this thread verified less
  // than a minute ago only by comparison: the handshake still parses the chain and checks
  // CertificateVerify, but not the chain signatures again. Off: full X509_verify_cert always.
  bool cache_server_verification = true;
  // Keep the parsed X509 of each server certificate (by DER) and reuse it when the same
  // bytes arrive again, instead of parsing them on every handshake (see cert_cache.hpp).
  bool cache_peer_certificates = true;
  // Keep the algorithm implementations OpenSSL fetches by name during a handshake (digests,
  // KDFs, MACs, signatures, key exchanges) per worker thread (see fetch_cache.hpp).
  bool cache_fetched_methods = true;
  // All three off (`run --stock-openssl`): the client is OpenSSL as shipped.
  void use_stock_openssl() {
    cache_server_verification = cache_peer_certificates = cache_fetched_methods = false;
  }
  // Memory measurements: keep each connection open after its requests until the phase ends
  // (closed loop only; each slot then opens exactly one connection). Its requests ask for
  // keep-alive, so the server holds its end open as well.
  bool hold_connections = false;
  int max_in_flight_per_thread = 8192;  // open loop: arrivals beyond this wait (and it shows)
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
  // Run after the phase by the CLI when the phase resumes sessions (revoked_resume.hpp).
  std::optional<RevokedResumeCheck> revoked_resume;

  double handshakes_per_s() const;
  // unexpected errors / (ok + failed): refusals the gateway owes a faulty identity are not
  // errors.
  double error_rate() const;
  bool gates_pass() const;
};

// Runs the phase to its end (or until *opts.stop). Throws std::invalid_argument for a phase
// that cannot run (unknown identity, rate and connections both set, resumption mode that
// does not exist in the phase's TLS version) and std::runtime_error when the client
// credentials cannot be loaded.
PhaseResult run_phase(const scenario::LoadPhase& phase, const scenario::Scenario& s,
                      const pki::Fixtures& f, const target::Endpoint& ep,
                      const PhaseOptions& opts = {});

// Evaluates phase.gates against a result (run_phase already fills PhaseResult::gates).
std::vector<GateVerdict> evaluate_gates(const scenario::Gates& gates, const PhaseResult& r);

nlohmann::json to_json(const PhaseResult& r);
// The inverse of to_json: every raw figure (counts, buckets, series, CPU) read back, so a
// result read from a report can be merged and re-judged. Throws nlohmann::json::exception or
// std::invalid_argument naming what is missing or malformed.
PhaseResult phase_result_from_json(const nlohmann::json& j);
// Gate limits as written in the scenario ({"handshake_p99_ms": 5, ...}; unset ones absent).
nlohmann::json gate_limits_json(const scenario::Gates& g);
scenario::Gates gate_limits_from_json(const nlohmann::json& j);
// One line: "gates: handshake_p99_ms <= 5: 3.2 pass; error_rate_max <= 0.01: 0 pass".
std::string gate_line(const PhaseResult& r);
// Counts, rates, CPU, resumption, errors and a percentile table, for a terminal.
void print_summary(std::ostream& out, const PhaseResult& r);

}  // namespace mtls::load
