// One load phase as run by every shard, merged into the result one process would have
// produced: counters summed, histograms added bucket by bucket, CPU summed (per-handshake
// figures recomputed from the sums), time series lined up by wall-clock second, gates judged
// again on the merged figures.
#pragma once

#include <vector>

#include "report/model/phase.hpp"

namespace mtls::report {

// shards: the same phase from each shard (a shard with no share contributes nothing).
// Throws std::invalid_argument when they are not the same phase (name or mode differ).
PhaseResult merge_shards(const std::vector<PhaseResult>& shards);

}  // namespace mtls::report
