// Histograms as JSON: summary percentiles in milliseconds plus the raw non-empty buckets, so
// histograms from several threads, runs or load shards can be merged exactly later.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "measure/histogram.hpp"

namespace mtls::measure {

// The raw part, for any bucket layout:
// {"scheme":"log-linear","unit":"ns","sub_bucket_bits":B,"counts":[[i,n],...],
//  "sum_ns":..,"min_ns":..,"max_ns":..,"overflow":..}
// Bucket i holds [lowest(i), lowest(i)+width(i)) ns (see histogram.hpp).
template <int B, typename C>
nlohmann::json buckets_json(const LogLinearHistogram<B, C>& h) {
  using H = LogLinearHistogram<B, C>;
  nlohmann::json counts = nlohmann::json::array();
  for (std::size_t i = 0; i < H::kBuckets; ++i)
    if (h.bucket(i) != 0) counts.push_back({i, h.bucket(i)});
  return {{"scheme", "log-linear"}, {"unit", "ns"},        {"sub_bucket_bits", B},
          {"counts", std::move(counts)}, {"sum_ns", h.sum()}, {"min_ns", h.min()},
          {"max_ns", h.max()},         {"overflow", h.overflow()}};
}

// The inverse of buckets_json; throws std::invalid_argument on another layout. Copies
// written before sum_ns/min_ns/max_ns existed read back with bucket-bound figures.
template <int B, typename C>
LogLinearHistogram<B, C> histogram_from_buckets(const nlohmann::json& buckets) {
  if (buckets.value("scheme", "") != "log-linear" || buckets.value("unit", "") != "ns" ||
      buckets.value("sub_bucket_bits", -1) != B)
    throw std::invalid_argument("histogram buckets: expected scheme log-linear, unit ns, " +
                                std::to_string(B) + " sub-bucket bits");
  LogLinearHistogram<B, C> h;
  for (const auto& row : buckets.at("counts")) {
    const auto i = row.at(0).get<std::size_t>();
    if (i >= LogLinearHistogram<B, C>::kBuckets)
      throw std::invalid_argument("histogram buckets: bucket index " + std::to_string(i) +
                                  " is past the last bucket");
    h.add_bucket(i, row.at(1).get<C>());
  }
  if (buckets.contains("sum_ns"))
    h.restore_exact(buckets.at("sum_ns").get<std::uint64_t>(), buckets.at("min_ns").get<std::uint64_t>(),
                    buckets.at("max_ns").get<std::uint64_t>(), buckets.at("overflow").get<std::uint64_t>());
  return h;
}

// {"count","min_ms","mean_ms","p50_ms","p90_ms","p99_ms","p999_ms","max_ms","overflow",
//  "buckets": buckets_json(h)}
nlohmann::json to_json(const Histogram& h);
// The inverse of the "buckets" part; throws std::invalid_argument on another scheme.
Histogram histogram_from_json(const nlohmann::json& buckets);

double ns_to_ms(std::uint64_t ns);

}  // namespace mtls::measure
