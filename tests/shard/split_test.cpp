// The split of a load phase over N shards: exact (shares sum to the whole), deterministic,
// and a shard with no share says so instead of running one connection anyway.
#include <catch2/catch.hpp>

#include <cmath>

#include "load/shard.hpp"

namespace mtls::test {
namespace {

using load::ShardSpec;

struct SplitRow {
  int connections;
  double rate;
  std::int64_t max_total;
  int shards;
  std::vector<int> connections_each;       // closed loop: per shard
  std::vector<std::int64_t> max_total_each;
  std::vector<bool> runs;
};

const SplitRow kRows[] = {
    {10, 0, 0, 1, {10}, {0}, {true}},
    {10, 0, 0, 4, {3, 3, 2, 2}, {0, 0, 0, 0}, {true, true, true, true}},
    {3, 0, 0, 4, {1, 1, 1, 0}, {0, 0, 0, 0}, {true, true, true, false}},
    {3, 0, 10, 4, {1, 1, 1, 0}, {4, 3, 3, 0}, {true, true, true, false}},
    {1, 0, 5, 8, {1, 0, 0, 0, 0, 0, 0, 0}, {5, 0, 0, 0, 0, 0, 0, 0},
     {true, false, false, false, false, false, false, false}},
    {8, 0, 6, 4, {2, 2, 2, 2}, {2, 2, 1, 1}, {true, true, true, true}},
    {8, 0, 2, 4, {2, 2, 2, 2}, {1, 1, 0, 0}, {true, true, false, false}},
    {1000, 0, 20000, 3, {334, 333, 333}, {6667, 6667, 6666}, {true, true, true}},
    {0, 100, 0, 4, {0, 0, 0, 0}, {0, 0, 0, 0}, {true, true, true, true}},
    {0, 100, 3, 4, {0, 0, 0, 0}, {1, 1, 1, 0}, {true, true, true, false}},
    {0, 7, 10, 3, {0, 0, 0}, {4, 3, 3}, {true, true, true}},
};

scenario::LoadPhase phase_of(const SplitRow& row) {
  scenario::LoadPhase p;
  p.name = "p";
  p.connections = row.connections;
  p.rate = row.rate;
  p.max_connections_total = row.max_total;
  p.threads = 2;
  p.gates.handshakes_per_s_min = 400;
  p.gates.handshake_p99_ms = 5;
  return p;
}

}  // namespace

TEST_CASE("each shard's share of a phase; the shares sum to the whole", "[shard]") {
  const SplitRow row = GENERATE(from_range(std::begin(kRows), std::end(kRows)));
  const auto whole = phase_of(row);
  INFO(row.connections << " connections, rate " << row.rate << ", max " << row.max_total
                       << " over " << row.shards << " shards");
  std::int64_t connections = 0, max_total = 0;
  double rate = 0;
  for (int i = 0; i < row.shards; ++i) {
    INFO("shard " << i);
    const auto sp = load::shard_phase(whole, ShardSpec{i, row.shards});
    CHECK(sp.phase.connections == row.connections_each[i]);
    CHECK(sp.phase.max_connections_total == row.max_total_each[i]);
    CHECK(sp.runs == row.runs[i]);
    CHECK(sp.phase.threads == 2);  // threads per shard as configured
    CHECK(sp.phase.gates.handshake_p99_ms == 5.0);
    CHECK(*sp.phase.gates.handshakes_per_s_min == Approx(400.0 / row.shards));
    if (sp.runs) {
      CHECK(sp.note.empty());
    } else {
      CHECK_THAT(sp.note, Catch::Contains("shard " + std::to_string(i) + "/" +
                                          std::to_string(row.shards) + " runs no part of load phase 'p'"));
      CHECK_THAT(sp.note, Catch::Contains("leaves this shard none"));
    }
    connections += sp.phase.connections;
    max_total += sp.phase.max_connections_total;
    rate += sp.phase.rate;
    // Deterministic: the same question gives the same answer.
    CHECK(load::shard_phase(whole, ShardSpec{i, row.shards}).phase.connections == sp.phase.connections);
  }
  REQUIRE(row.connections_each.size() == static_cast<std::size_t>(row.shards));
  CHECK(connections == row.connections);
  CHECK(max_total == row.max_total);
  CHECK(rate == Approx(row.rate));
}

struct ShardArg {
  const char* text;
  bool ok;
  int index, count;
  const char* says;  // part of the error
};

constexpr ShardArg kArgs[] = {
    {"0/4", true, 0, 4, ""},
    {"3/4", true, 3, 4, ""},
    {"0/1", true, 0, 1, ""},
    {"1023/1024", true, 1023, 1024, ""},
    {"4/4", false, 0, 0, "INDEX must be between 0 and 3 (shards are numbered from 0)"},
    {"0/0", false, 0, 0, "COUNT must be between 1 and 1024"},
    {"0/1025", false, 0, 0, "COUNT must be between 1 and 1024"},
    {"-1/4", false, 0, 0, "INDEX must be between 0 and 3"},
    {"2", false, 0, 0, "no '/'"},
    {"a/4", false, 0, 0, "INDEX and COUNT must be whole numbers"},
    {"1/4x", false, 0, 0, "INDEX and COUNT must be whole numbers"},
    {"/4", false, 0, 0, "INDEX and COUNT must be whole numbers"},
};

TEST_CASE("--shard INDEX/COUNT is checked and explained", "[shard]") {
  const ShardArg row = GENERATE(from_range(std::begin(kArgs), std::end(kArgs)));
  INFO(row.text);
  std::string error;
  const auto spec = load::parse_shard(row.text, &error);
  REQUIRE(spec.has_value() == row.ok);
  if (row.ok) {
    CHECK(spec->index == row.index);
    CHECK(spec->count == row.count);
  } else {
    CHECK_THAT(error, Catch::Contains(row.says));
    CHECK_THAT(error, Catch::Contains("e.g. --shard 0/4"));
  }
}

}  // namespace mtls::test
