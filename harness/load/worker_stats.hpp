// What one worker thread measured; merged into the PhaseResult after the threads end.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "load/result.hpp"
#include "measure/errors.hpp"

namespace mtls::load {

struct WorkerStats {
  Counts counts;
  ResumptionStats resumption;
  measure::ErrorCounts errors;
  std::vector<IdentityOutcome> identities;  // one per planned identity, by index
  measure::Histogram connect, handshake_full, handshake_resumed, ttfb, total, total_uncorrected;
  measure::TimeSeries series;
  measure::EventLog events;
  double cpu_us = 0;

  void merge_into(PhaseResult& r) const;
  void merge_into(Drain& d) const;  // counts and errors: all a drain reports
};

// Read by the progress loop while the worker runs; padded so workers do not share a line.
struct alignas(64) LiveCounters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> handshakes{0};
  std::atomic<std::uint64_t> resumed{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> open{0};
  std::atomic<std::uint64_t> p99_ns{0};  // of the last completed second
  std::atomic<bool> warmup{true};
  std::atomic<bool> done{false};
};

}  // namespace mtls::load
