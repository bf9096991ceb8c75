// Histograms as JSON: summary percentiles in milliseconds plus the raw non-empty buckets, so
// histograms from several threads, runs or load shards can be merged exactly later.
#pragma once

#include <nlohmann/json.hpp>

#include "measure/histogram.hpp"

namespace mtls::measure {

// {"count","min_ms","mean_ms","p50_ms","p90_ms","p99_ms","p999_ms","max_ms","overflow",
//  "buckets":{"scheme":"log-linear","unit":"ns","sub_bucket_bits":7,"counts":[[i,n],...]}}
// Bucket i holds [lowest(i), lowest(i)+width(i)) ns (see histogram.hpp).
nlohmann::json to_json(const Histogram& h);
// The inverse of the "buckets" part; throws std::invalid_argument on another scheme.
Histogram histogram_from_json(const nlohmann::json& buckets);

double ns_to_ms(std::uint64_t ns);

}  // namespace mtls::measure
