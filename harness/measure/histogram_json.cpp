#include "measure/histogram_json.hpp"

#include <stdexcept>

namespace mtls::measure {

double ns_to_ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

nlohmann::json to_json(const Histogram& h) {
  nlohmann::json counts = nlohmann::json::array();
  for (std::size_t i = 0; i < Histogram::kBuckets; ++i)
    if (h.bucket(i) != 0) counts.push_back({i, h.bucket(i)});
  return {
      {"count", h.count()},
      {"min_ms", ns_to_ms(h.min())},
      {"mean_ms", h.mean() / 1e6},
      {"p50_ms", ns_to_ms(h.percentile(0.50))},
      {"p90_ms", ns_to_ms(h.percentile(0.90))},
      {"p99_ms", ns_to_ms(h.percentile(0.99))},
      {"p999_ms", ns_to_ms(h.percentile(0.999))},
      {"max_ms", ns_to_ms(h.max())},
      {"overflow", h.overflow()},
      {"buckets",
       {{"scheme", "log-linear"},
        {"unit", "ns"},
        {"sub_bucket_bits", Histogram::kSubBits},
        {"counts", std::move(counts)}}},
  };
}

Histogram histogram_from_json(const nlohmann::json& buckets) {
  if (buckets.value("scheme", "") != "log-linear" || buckets.value("unit", "") != "ns" ||
      buckets.value("sub_bucket_bits", -1) != Histogram::kSubBits)
    throw std::invalid_argument("histogram buckets: expected scheme log-linear, unit ns, " +
                                std::to_string(Histogram::kSubBits) + " sub-bucket bits");
  Histogram h;
  for (const auto& row : buckets.at("counts"))
    h.add_bucket(row.at(0).get<std::size_t>(), row.at(1).get<std::uint64_t>());
  return h;
}

}  // namespace mtls::measure
