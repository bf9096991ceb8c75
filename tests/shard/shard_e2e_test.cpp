// Four `run --shard i/4` processes at once against one embedded target started with
// `mtls-harness serve`, then `merge`: the merged counts are the sums of the shards' counts and
// the merged percentiles are those of one histogram holding every shard's buckets.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <regex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "measure/histogram_json.hpp"
#include "run_cli.hpp"

using namespace mtls;
using nlohmann::json;

namespace {

constexpr int kShards = 4;

// The port `serve` prints once it listens; 0 when it did not within the limit.
int wait_for_port(const std::filesystem::path& dir, pid_t pid, std::chrono::seconds limit) {
  static const std::regex listening(R"(listening on 127\.0\.0\.1:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string out;
    try {
      out = common::read_file(dir / "harness-output.txt");
    } catch (const std::exception&) {
    }
    std::smatch m;
    if (std::regex_search(out, m, listening)) return std::stoi(m[1].str());
    if (::kill(pid, 0) != 0) return 0;  // it gave up
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

// Stops the server we started, by its PID, whatever the test's outcome.
struct Server {
  pid_t pid;
  std::filesystem::path dir;
  ~Server() {
    ::kill(pid, SIGTERM);
    test::wait_harness(pid, dir);
  }
};

json read_json(const std::filesystem::path& file) { return json::parse(common::read_file(file)); }

const char* const kCounts[] = {"connections",      "connections_ok",     "connections_failed",
                               "connections_aborted", "warmup_connections", "arrivals_missed",
                               "handshakes_full",  "handshakes_resumed", "handshakes_failed",
                               "requests",         "responses",          "responses_2xx",
                               "client_sends"};
const char* const kHistograms[] = {"connect", "handshake_full", "handshake_resumed",
                                   "ttfb",    "total",          "total_uncorrected"};

}  // namespace

TEST_CASE("four shards against one target merge into exact sums and percentiles", "[shard]") {
  const auto dir = test::scratch("shard-e2e");
  const auto scenario = (test::source_root() / "tests" / "shard" / "scenarios" / "shard-e2e.toml").string();
  const auto fixtures = (dir / "fixtures").string();
  const auto reports = (dir / "reports").string();

  std::filesystem::create_directories(dir / "serve");
  Server server{test::start_harness({"serve", scenario, "--fixtures", fixtures, "--port", "0"}, dir / "serve"),
                dir / "serve"};
  const int port = wait_for_port(server.dir, server.pid, std::chrono::seconds(60));
  REQUIRE(port > 0);
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";

  std::vector<pid_t> pids;
  for (int i = 0; i < kShards; ++i) {
    const auto work = dir / ("shard-" + std::to_string(i));
    std::filesystem::create_directories(work);
    pids.push_back(test::start_harness({"run", scenario, "--shard", std::to_string(i) + "/4", "--target", url,
                                        "--fixtures", fixtures, "--reports", reports, "--no-color"},
                                       work));
  }
  std::vector<std::string> shard_files;
  for (int i = 0; i < kShards; ++i) {
    const auto r = test::wait_harness(pids[i], dir / ("shard-" + std::to_string(i)));
    INFO("shard " << i << ":\n" << r.output);
    CHECK(r.exit_code == 0);
    if (i == 3) CHECK_THAT(r.output, Catch::Contains("shard 3/4 runs no part of load phase 'bounded': 3 connections"));
    if (i > 0) CHECK_THAT(r.output, Catch::Contains("the cases run on shard 0"));
    shard_files.push_back(reports + "/shard-e2e/shard-" + std::to_string(i) + "-of-4/report.json");
  }

  const auto merged_dir = dir / "merged";
  std::vector<std::string> args = {"merge", merged_dir.string()};
  args.insert(args.end(), shard_files.begin(), shard_files.end());
  const auto merged_run = test::run_harness(args, dir);
  INFO(merged_run.output);
  REQUIRE(merged_run.exit_code == 0);
  // The same report files as a single run writes (shard 0's directory, its target/ aside).
  const auto files_in = [](const std::filesystem::path& d) {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(d))
      if (e.is_regular_file()) names.insert(e.path().filename().string());
    return names;
  };
  const auto merged_files = files_in(merged_dir);
  CHECK(merged_files == files_in(std::filesystem::path(shard_files[0]).parent_path()));
  CHECK(merged_files.count("junit.xml") == 1);
  CHECK(merged_files.count("report.json") == 1);
  const auto merged = read_json(merged_dir / "report.json");

  std::vector<json> shards;
  for (const auto& f : shard_files) shards.push_back(read_json(f));
  CHECK(merged["meta"]["merged_shards"] == kShards);
  CHECK(merged["meta"]["shard"].is_null());
  CHECK(merged["meta"]["scenario_sha256"] == shards[0]["meta"]["scenario_sha256"]);
  // The cases ran once, on shard 0: 2 cases x 2 TLS versions, and the external gateway's
  // requested_vs_required check on each version.
  CHECK(merged["summary"]["total"] == 6);
  CHECK(merged["summary"]["passed"] == 6);
  for (int i = 1; i < kShards; ++i) CHECK(shards[i]["cases"].empty());

  REQUIRE(merged["load"].size() == 1);
  const auto& m = merged["load"][0];
  CHECK(m["shard"].is_null());
  CHECK(m["phase"]["connections"] == 3);
  CHECK(m["phase"]["max_connections_total"] == 30);
  CHECK(shards[3]["load"][0]["shard"]["runs"] == false);
  CHECK(shards[3]["load"][0]["counts"]["connections"] == 0);

  std::uint64_t attempts = 0;
  for (const char* key : kCounts) {
    std::uint64_t sum = 0;
    for (const auto& s : shards) sum += s["load"][0]["counts"][key].get<std::uint64_t>();
    INFO(key);
    CHECK(m["counts"][key].get<std::uint64_t>() == sum);
  }
  // Each running shard stopped at its quota: 10 + 10 + 10 connections, none failed.
  for (int i = 0; i < 3; ++i) {
    INFO("shard " << i);
    CHECK(shards[i]["load"][0]["shard"]["max_connections_total"] == 10);
    CHECK(shards[i]["load"][0]["stop_reason"] == "max_connections_total");
    CHECK(shards[i]["load"][0]["counts"]["connections_ok"] == 10);
  }
  CHECK(m["counts"]["connections_ok"] == 30);
  attempts = m["counts"]["handshakes_full"].get<std::uint64_t>() + m["counts"]["handshakes_failed"].get<std::uint64_t>();
  CHECK(attempts == 30);

  for (const char* name : kHistograms) {
    INFO(name);
    measure::Histogram all;
    for (const auto& s : shards) all.merge(measure::histogram_from_json(s["load"][0]["latency"][name]["buckets"]));
    const auto& h = m["latency"][name];
    CHECK(h["count"].get<std::uint64_t>() == all.count());
    CHECK(h["buckets"]["counts"] == measure::to_json(all)["buckets"]["counts"]);
    CHECK(h["p50_ms"].get<double>() == measure::ns_to_ms(all.percentile(0.50)));
    CHECK(h["p90_ms"].get<double>() == measure::ns_to_ms(all.percentile(0.90)));
    CHECK(h["p99_ms"].get<double>() == measure::ns_to_ms(all.percentile(0.99)));
    CHECK(h["p999_ms"].get<double>() == measure::ns_to_ms(all.percentile(0.999)));
    CHECK(h["max_ms"].get<double>() == measure::ns_to_ms(all.max()));
  }
  CHECK(m["latency"]["handshake_full"]["count"] == 30);

  // CPU: summed over the shards, per handshake recomputed from the sums.
  double client_us = 0;
  for (const auto& s : shards) client_us += s["load"][0]["cpu"]["client_us"].get<double>();
  CHECK(m["cpu"]["client_us"].get<double>() == Approx(client_us));
  CHECK(m["cpu"]["client_us_per_handshake"].get<double>() == Approx(client_us / 30.0));
  // The merged window starts with the earliest shard's.
  double earliest = 1e300;
  for (int i = 0; i < 3; ++i) earliest = std::min(earliest, shards[i]["load"][0]["measured_from_unix_s"].get<double>());
  CHECK(m["measured_from_unix_s"].get<double>() == earliest);
  REQUIRE(m["gates"].size() == 1);
  CHECK(m["gates"][0]["name"] == "error_rate_max");
  CHECK(m["gates"][0]["pass"] == true);

  // Merging again with a shard missing is refused, naming it.
  const auto short_run = test::run_harness({"merge", (dir / "short").string(), shard_files[0], shard_files[2]}, dir);
  CHECK(short_run.exit_code == 2);
  CHECK_THAT(short_run.output, Catch::Contains("missing shards 1, 3 of 4"));
}
