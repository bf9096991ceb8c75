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

#include "load/options.hpp"
#include "load/result.hpp"
#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::load {

// Runs the phase to its end (or until *opts.stop). Throws std::invalid_argument for a phase
// that cannot run (unknown identity, rate and connections both set, resumption mode that
// does not exist in the phase's TLS version) and std::runtime_error when the client
// credentials cannot be loaded.
PhaseResult run_phase(const scenario::LoadPhase& phase, const scenario::Scenario& s,
                      const pki::Fixtures& f, const target::Endpoint& ep,
                      const PhaseOptions& opts = {});

}  // namespace mtls::load
