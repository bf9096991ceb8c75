// Per-second counters and a coarse latency histogram per second, indexed by the second (from
// the start of the measured window) in which a connection ended. Mergeable like Histogram.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "measure/histogram.hpp"

namespace mtls::measure {

struct SecondSample {
  std::uint64_t connections = 0;  // ended in this second, ok or failed
  std::uint64_t handshakes = 0;   // completed, full or resumed
  std::uint64_t resumed = 0;
  std::uint64_t requests = 0;     // answered 2xx
  std::uint64_t errors = 0;       // unexpected: what error_rate counts
  std::uint64_t refused = 0;      // refusals the gateway owed a faulty identity: not errors
  std::map<std::string, std::uint64_t> errors_by_class;  // the errors, by error key
  CoarseHistogram latency;        // connection latency (from the intended start)

  void merge(const SecondSample& o);
};

class TimeSeries {
 public:
  // Bounded memory: seconds past `max_seconds` fold into the last one.
  explicit TimeSeries(std::size_t max_seconds = 24 * 3600) : max_seconds_(max_seconds) {}

  SecondSample& at(double seconds_since_start);
  // Adds o's seconds to ours, o's second t landing on our second t + offset_s (another
  // shard whose measured window began offset_s seconds after ours).
  void merge(const TimeSeries& o, std::size_t offset_s = 0);
  const std::vector<SecondSample>& seconds() const { return seconds_; }

  // [{"t":0,"connections":..,"handshakes":..,"resumed":..,"requests":..,"errors":..,
  //   "errors_by_class":{"connect:refused":..},"p99_ms":..,"max_ms":..,
  //   "latency_buckets": buckets_json(latency)}, ...]
  nlohmann::json to_json() const;
  // The inverse of to_json; throws nlohmann::json::exception / std::invalid_argument.
  static TimeSeries from_json(const nlohmann::json& seconds);

 private:
  std::size_t max_seconds_;
  std::vector<SecondSample> seconds_;
};

}  // namespace mtls::measure
