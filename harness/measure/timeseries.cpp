#include "measure/timeseries.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "measure/histogram_json.hpp"

namespace mtls::measure {

void SecondSample::merge(const SecondSample& o) {
  connections += o.connections;
  handshakes += o.handshakes;
  resumed += o.resumed;
  requests += o.requests;
  errors += o.errors;
  refused += o.refused;
  for (const auto& [k, n] : o.errors_by_class) errors_by_class[k] += n;
  latency.merge(o.latency);
}

SecondSample& TimeSeries::at(double seconds_since_start) {
  const auto s = static_cast<std::size_t>(std::max(0.0, seconds_since_start));
  const std::size_t i = std::min(s, max_seconds_ - 1);
  if (seconds_.size() <= i) seconds_.resize(i + 1);
  return seconds_[i];
}

void TimeSeries::merge(const TimeSeries& o, std::size_t offset_s) {
  for (std::size_t i = 0; i < o.seconds_.size(); ++i)
    at(static_cast<double>(i + offset_s)).merge(o.seconds_[i]);
}

TimeSeries TimeSeries::from_json(const nlohmann::json& seconds) {
  TimeSeries ts;
  for (const auto& j : seconds) {
    auto& s = ts.at(j.at("t").get<double>());
    s.connections = j.at("connections").get<std::uint64_t>();
    s.handshakes = j.at("handshakes").get<std::uint64_t>();
    s.resumed = j.at("resumed").get<std::uint64_t>();
    s.requests = j.at("requests").get<std::uint64_t>();
    s.errors = j.at("errors").get<std::uint64_t>();
    s.refused = j.value("refused", std::uint64_t{0});
    if (j.contains("errors_by_class"))
      s.errors_by_class = j.at("errors_by_class").get<std::map<std::string, std::uint64_t>>();
    if (j.contains("latency_buckets"))
      s.latency = histogram_from_buckets<CoarseHistogram::kSubBits, std::uint32_t>(j.at("latency_buckets"));
  }
  return ts;
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
                   {"refused", s.refused},
                   {"errors_by_class", s.errors_by_class},
                   {"p99_ms", ns_to_ms(s.latency.percentile(0.99))},
                   {"max_ms", ns_to_ms(s.latency.max())},
                   {"latency_buckets", buckets_json(s.latency)}});
  }
  return out;
}

}  // namespace mtls::measure
