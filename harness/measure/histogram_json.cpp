#include "measure/histogram_json.hpp"
#include <nlohmann/json.hpp>

namespace mtls::measure {

double ns_to_ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

nlohmann::json to_json(const Histogram& h) {
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
      {"buckets", buckets_json(h)},
  };
}

Histogram histogram_from_json(const nlohmann::json& buckets) {
  return histogram_from_buckets<Histogram::kSubBits, std::uint64_t>(buckets);
}

}  // namespace mtls::measure
