#include "measure/timeseries.hpp"

#include <algorithm>

#include "measure/histogram_json.hpp"

namespace mtls::measure {

void SecondSample::merge(const SecondSample& o) {
  connections += o.connections;
  handshakes += o.handshakes;
  resumed += o.resumed;
  requests += o.requests;
  errors += o.errors;
  for (const auto& [k, n] : o.errors_by_class) errors_by_class[k] += n;
  latency.merge(o.latency);
}

SecondSample& TimeSeries::at(double seconds_since_start) {
  const auto s = static_cast<std::size_t>(std::max(0.0, seconds_since_start));
  const std::size_t i = std::min(s, max_seconds_ - 1);
  if (seconds_.size() <= i) seconds_.resize(i + 1);
  return seconds_[i];
}

void TimeSeries::merge(const TimeSeries& o) {
  if (seconds_.size() < o.seconds_.size()) seconds_.resize(o.seconds_.size());
  for (std::size_t i = 0; i < o.seconds_.size(); ++i) seconds_[i].merge(o.seconds_[i]);
}

nlohmann::json TimeSeries::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < seconds_.size(); ++i) {
    const auto& s = seconds_[i];
    out.push_back({{"t", i},
                   {"connections", s.connections},
                   {"handshakes", s.handshakes},
                   {"resumed", s.resumed},
                   {"requests", s.requests},
                   {"errors", s.errors},
                   {"errors_by_class", s.errors_by_class},
                   {"p99_ms", ns_to_ms(s.latency.percentile(0.99))},
                   {"max_ms", ns_to_ms(s.latency.max())}});
  }
  return out;
}

}  // namespace mtls::measure
