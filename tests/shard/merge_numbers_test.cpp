// `merge` reads numbers someone else's process wrote: a real shard report (one shard of one,
// against the embedded target), one field mutated per row, must be refused with exit 2
// naming the file and the field, never merged into a wrapped count or a date in 1e300.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_cli.hpp"

using namespace mtls;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One shard report written by a real run, made once per test program.
const fs::path& shard_report() {
  static const fs::path file = [] {
    auto dir = test::scratch("merge-numbers-run");
    const auto scenario = test::source_root() / "tests" / "shard" / "scenarios" / "shard-e2e.toml";
    auto r = test::run_harness({"run", scenario.string(), "--shard", "0/1", "--fixtures",
                                "fixtures", "--reports", "reports", "--no-color"}, dir);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    return dir / "reports" / "shard-e2e" / "shard-0-of-1" / "report.json";
  }();
  return file;
}

}  // namespace

TEST_CASE("merge refuses a shard report whose numbers no run could have written", "[merge]") {
  const json original = json::parse(slurp(shard_report()));
  // The bucket row mutated below must exist: the phase measured some connections.
  REQUIRE(original.at("load").at(0).at("latency").at("total").at("buckets").at("counts").size() > 0);
  auto work = test::scratch("merge-numbers");

  SECTION("the report as written merges") {
    auto r = test::run_harness({"merge", (work / "out").string(), shard_report().string()}, work);
    INFO(r.output);
    CHECK(r.exit_code == 0);
  }

  struct Row {
    const char* pointer;  // the field mutated (JSON pointer)
    json value;
    const char* says;     // after "<file>: "
  };
  const Row rows[] = {
      {"/load/0/latency/total/buckets/counts/0/1", -5,
       "load[0].latency.total.buckets.counts[0][1]: -5 is not a non-negative count"},
      {"/load/0/measured_from_unix_s", 1e300,
       "load[0].measured_from_unix_s: 1e+300 is not a plausible start time"},
      {"/load/0/counts/connections", -1, "load[0].counts.connections: -1 is not a non-negative count"},
      {"/load/0/counts/requests", 1.5, "load[0].counts.requests: 1.5 is not a non-negative count"},
      {"/load/0/errors/timeout", -3, "load[0].errors.timeout: -3 is not a non-negative count"},
      {"/load/0/measured_s", -2.5, "load[0].measured_s: -2.5 is not a plausible duration"},
      {"/load/0/phase/threads", 10000000000LL,
       "load[0].phase.threads: 10000000000 is not a non-negative integer of int range"},
      {"/load/0/latency/connect/buckets/sum_ns", -1,
       "load[0].latency.connect.buckets.sum_ns: -1 is not a non-negative count"},
      {"/load/0/error_rate", 2, "load[0].error_rate: 2 is not a ratio between 0 and 1"},
      {"/meta/duration_ms", -10, "meta.duration_ms: -10 is not a plausible duration"},
      {"/meta/shard/count", -1, "meta.shard.count: -1 is not a non-negative integer of int range"},
      {"/cases/0/outcome/http/status", 70000,
       "cases[0].outcome.http.status: 70000 is not a protocol code"},
  };
  for (const auto& row : rows) {
    SECTION(row.pointer) {
      json mutated = original;
      mutated[json::json_pointer(row.pointer)] = row.value;
      const auto file = work / "shard-0.json";
      std::ofstream(file) << mutated.dump();
      auto r = test::run_harness({"merge", (work / "out").string(), file.string()}, work);
      INFO(r.output);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.output, Catch::Contains(file.string() + ": " + row.says));
      CHECK_FALSE(fs::exists(work / "out" / "report.json"));
    }
  }
}
