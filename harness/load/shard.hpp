// Load shards: one scenario run as N processes (machines, pods), each taking 1/N of every
// load phase, merged afterwards into the report one process would have written.
//
// The split is exact and deterministic: connection counts and max_connections_total split
// floor/ceil (the first n % N shards get one more) so the shares sum to the original
// (max_connections_total over the shards that run: a closed loop of 3 connections over 4
// shards runs on 3); rates split as rate / N; threads stay as configured. A shard whose share of a phase is zero
// (3 connections over 4 shards) runs nothing for that phase and says so, rather than
// rounding up to 1.
#pragma once

#include <optional>
#include <string>

#include "report/model/phase.hpp"
#include "scenario/scenario.hpp"

namespace mtls::load {

inline constexpr int kMaxShards = 1024;

struct ShardSpec {
  int index = 0;  // 0 <= index < count
  int count = 1;  // 1: not sharded
  bool sharded() const { return count > 1; }
};

// "i/N" with 1 <= N <= kMaxShards and 0 <= i < N. nullopt with *error set to a message that
// says what is wrong and what to write instead.
std::optional<ShardSpec> parse_shard(const std::string& text, std::string* error);

struct ShardedPhase {
  scenario::LoadPhase phase;  // what this shard runs
  bool runs = true;           // false: this shard's share is zero
  std::string note;           // why it does not run (empty when it runs)
};

// Shard `s`'s part of `phase`. Throughput gates (handshakes_per_s_min) are split like the
// rate, so a shard's own verdict judges its own share; the merge re-judges the whole.
ShardedPhase shard_phase(const scenario::LoadPhase& phase, ShardSpec s);

// What a shard's report says of its part of a phase (PhaseResult::shard).
report::ShardShare share_of(const ShardedPhase& part, ShardSpec s);

// The result of a phase this shard has no share of: nothing in it, and why (shard.note).
report::PhaseResult not_run(const scenario::LoadPhase& whole, const report::ShardShare& share);

// n split over k parts: part i's share, the first n % k parts one larger.
std::int64_t split_count(std::int64_t n, int k, int i);

}  // namespace mtls::load
