#include "load/shard.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace mtls::load {
namespace {

std::optional<int> to_int(const std::string& text) {
  int v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::int64_t split_count(std::int64_t n, int k, int i) { return n / k + (i < n % k ? 1 : 0); }

std::optional<ShardSpec> parse_shard(const std::string& text, std::string* error) {
  const auto fail = [&](const std::string& why) -> std::optional<ShardSpec> {
    if (error)
      *error = fmt::format("--shard '{}': {}; write it as INDEX/COUNT with 0 <= INDEX < COUNT <= {}, "
                           "e.g. --shard 0/4",
                           text, why, kMaxShards);
    return std::nullopt;
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos) return fail("no '/'");
  const auto index = to_int(text.substr(0, slash));
  const auto count = to_int(text.substr(slash + 1));
  if (!index || !count) return fail("INDEX and COUNT must be whole numbers");
  if (*count < 1 || *count > kMaxShards)
    return fail(fmt::format("COUNT must be between 1 and {}", kMaxShards));
  if (*index < 0 || *index >= *count)
    return fail(fmt::format("INDEX must be between 0 and {} (shards are numbered from 0)", *count - 1));
  return ShardSpec{*index, *count};
}

ShardedPhase shard_phase(const scenario::LoadPhase& phase, ShardSpec s) {
  ShardedPhase out{phase, true, ""};
  if (!s.sharded()) return out;
  auto& p = out.phase;
  const auto zero = [&](const std::string& what, std::int64_t n) {
    out.runs = false;
    out.note = fmt::format("shard {}/{} runs no part of load phase '{}': {} {} split over {} shards "
                           "leaves this shard none",
                           s.index, s.count, phase.name, n, what, s.count);
  };
  if (phase.connections > 0) {
    p.connections = static_cast<int>(split_count(phase.connections, s.count, s.index));
    if (p.connections == 0) zero("connections", phase.connections);
  }
  if (phase.rate > 0) p.rate = phase.rate / s.count;
  if (phase.max_connections_total > 0 && out.runs) {
    // Split over the shards that run at all (a closed loop of 3 connections runs on 3 of 4
    // shards), so the quotas still add up to the phase's. 0 means "unbounded": a zero
    // share must not run, or it would run without a bound.
    const int runners = phase.connections > 0 ? std::min(s.count, phase.connections) : s.count;
    p.max_connections_total = split_count(phase.max_connections_total, runners, s.index);
    if (p.max_connections_total == 0) zero("max_connections_total", phase.max_connections_total);
  } else if (!out.runs) {
    p.max_connections_total = 0;
  }
  if (p.gates.handshakes_per_s_min) *p.gates.handshakes_per_s_min /= s.count;
  return out;
}

report::ShardShare share_of(const ShardedPhase& part, ShardSpec s) {
  return {s.index, s.count, part.runs, part.note, part.phase.connections, part.phase.rate,
          part.phase.max_connections_total};
}

report::PhaseResult not_run(const scenario::LoadPhase& whole, const report::ShardShare& share) {
  report::PhaseResult r;
  r.name = whole.name;
  r.mode = whole.rate > 0 ? "open" : "closed";
  r.phase = whole;
  r.stop_reason = "no shard share";
  r.shard = share;
  return r;
}

}  // namespace mtls::load
