// Merging shard results: histograms bucket by bucket equal one histogram fed every sample,
// counters are sums, CPU per handshake comes from the summed CPU and handshakes, series line up
// by wall-clock second, gates are judged again; shard sets that do not belong together are
// refused with a message naming the files.
#include <catch2/catch.hpp>

#include <random>
#include <nlohmann/json.hpp>

#include "measure/histogram_json.hpp"
#include "report/read.hpp"
#include "report/phase_json.hpp"
#include "report/phase_merge.hpp"
#include "report/model/gates.hpp"

namespace mtls::test {
namespace {

constexpr int kShards = 4;

// A phase result as one shard of a closed-loop phase would report it, with `samples` random
// latencies recorded into every histogram and into `all` as well.
report::PhaseResult fake_shard(int index, int samples, std::mt19937_64& rng, report::PhaseResult& all) {
  report::PhaseResult r;
  r.name = "steady";
  r.mode = "closed";
  r.phase.name = "steady";
  r.phase.connections = 8;
  r.phase.duration_s = 2;
  r.phase.gates.handshake_p99_ms = 50;
  r.phase.gates.handshakes_per_s_min = 1;
  r.phase.gates.client_cpu_us_per_handshake_max = 1000;
  r.threads = 1;
  r.measured_s = 2.0;
  r.measured_from_unix_s = 1'800'000'000.0 + index;  // shard i starts i seconds later
  r.stop_reason = "duration";
  r.shard = report::ShardShare{index, kShards, true, "", 2, 0, 0};
  std::lognormal_distribution<double> latency_ms(0.5 + 0.2 * index, 0.6);
  for (int i = 0; i < samples; ++i) {
    const auto ns = static_cast<std::uint64_t>(latency_ms(rng) * 1e6);
    for (auto* h : {&r.handshake_full, &r.total, &r.connect}) h->record(ns);
    for (auto* h : {&all.handshake_full, &all.total, &all.connect}) h->record(ns);
    r.series.at(i % 2).connections += 1;
    r.series.at(i % 2).latency.record(ns);
  }
  r.counts.connections = r.counts.connections_ok = r.counts.handshakes_full = static_cast<std::uint64_t>(samples);
  r.counts.requests = r.counts.responses = r.counts.responses_2xx = static_cast<std::uint64_t>(samples);
  r.counts.handshakes_failed = static_cast<std::uint64_t>(index);
  r.counts.connections_failed = static_cast<std::uint64_t>(index);
  r.errors.add("tls_alert:unknown_ca", static_cast<std::uint64_t>(index));
  r.resumption.tickets_received = static_cast<std::uint64_t>(10 * index);
  r.cpu.client_us = 1000.0 * (index + 1);
  r.cpu.target_us = 3000.0 * (index + 1);
  r.cpu.target_source = "in-process (process CPU minus load worker threads)";
  r.peak_open_connections = 2;
  r.events.failed(0.5, "tls_alert:unknown_ca");
  r.events.ok(0.75);
  if (index == 2) r.revoked_resume = report::RevokedResumeCheck{"gets_in", "valid", "resumed: 200", true, 200, 12.5, true};
  else if (index == 1) r.revoked_resume = report::RevokedResumeCheck{"refused", "valid", "refused", false, 0, 3, true};
  r.gates = report::evaluate_gates(r.phase.gates, r);
  return r;
}

std::vector<report::PhaseResult> fake_shards(report::PhaseResult& all, const std::vector<int>& samples) {
  std::mt19937_64 rng(42);
  std::vector<report::PhaseResult> out;
  for (int i = 0; i < static_cast<int>(samples.size()); ++i) out.push_back(fake_shard(i, samples[i], rng, all));
  return out;
}

}  // namespace

TEST_CASE("merged histograms equal one histogram fed every sample", "[shard]") {
  report::PhaseResult all;
  auto shards = fake_shards(all, {1000, 1500, 700, 0});
  // Through report JSON and back, as `merge` reads them: nothing may be lost on the way.
  for (auto& s : shards) s = report::phase_result_from_json(report::to_json(s));
  const auto m = report::merge_shards(shards);
  CHECK(m.handshake_full == all.handshake_full);
  CHECK(m.total == all.total);
  CHECK(m.connect == all.connect);
  for (double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    INFO("q = " << q);
    CHECK(m.handshake_full.percentile(q) == all.handshake_full.percentile(q));
  }
  CHECK(m.handshake_full.count() == 3200);
  CHECK(m.handshake_full.mean() == all.handshake_full.mean());
  // Events keep their moment on the merged clock: shard i began i seconds after shard 0.
  REQUIRE(m.events.events().size() == 8);
  for (int i = 0; i < 4; ++i) {
    CHECK(m.events.events()[2 * i].what == "errors_begin");
    CHECK(m.events.events()[2 * i].t_s == Approx(0.5 + i));
    CHECK(m.events.events()[2 * i + 1].what == "recovered");
    CHECK(m.events.events()[2 * i + 1].t_s == Approx(0.75 + i));
  }
  // A revoked client that got in on any shard is the answer that counts.
  REQUIRE(m.revoked_resume);
  CHECK(m.revoked_resume->outcome == "gets_in");
  CHECK(m.revoked_resume->revocation_effective_ms == 12.5);
}

TEST_CASE("merged counters, errors, CPU and series are sums", "[shard]") {
  report::PhaseResult all;
  const auto shards = fake_shards(all, {100, 200, 300, 400});
  const auto m = report::merge_shards(shards);
  CHECK(m.counts.connections == 1000);
  CHECK(m.counts.handshakes_full == 1000);
  CHECK(m.counts.handshakes_failed == 0 + 1 + 2 + 3);
  CHECK(m.errors.get("tls_alert:unknown_ca") == 6);
  CHECK(m.resumption.tickets_received == 60);
  CHECK(m.threads == 4);
  CHECK(m.peak_open_connections == 8);
  CHECK(m.cpu.client_us == 10000.0);
  REQUIRE(m.cpu.target_us);
  CHECK(*m.cpu.target_us == 30000.0);
  // Per handshake attempt from the sums, not an average of the shards' own figures.
  CHECK(*m.cpu.client_us_per_handshake == Approx(10000.0 / 1006));
  CHECK(*m.cpu.target_us_per_handshake == Approx(30000.0 / 1006));
  // Shard i began i seconds after shard 0 and measured 2 s: the window is 5 s long and each
  // shard's second t lands on merged second t + i.
  CHECK(m.measured_s == Approx(5.0));
  CHECK(m.handshakes_per_s() == Approx(1000.0 / 5.0));
  REQUIRE(m.series.seconds().size() == 5);
  CHECK(m.series.seconds()[0].connections == 50);
  CHECK(m.series.seconds()[1].connections == 50 + 100);
  CHECK(m.series.seconds()[4].connections == 200);
  CHECK_FALSE(m.shard.has_value());
  CHECK(m.stop_reason == "duration");
}

TEST_CASE("gates are judged again on the merged figures", "[shard]") {
  report::PhaseResult all;
  auto shards = fake_shards(all, {100, 100, 100, 100});
  for (auto& s : shards) s.phase.gates.handshakes_per_s_min = 100;  // 400 hs over a 5 s window: 80/s
  const auto m = report::merge_shards(shards);
  REQUIRE(m.gates.size() == 3);
  CHECK(m.gates[1].name == "handshakes_per_s_min");
  CHECK(*m.gates[1].measured == Approx(80.0));
  CHECK_FALSE(m.gates[1].pass);
  CHECK(m.gates[2].name == "client_cpu_us_per_handshake_max");
  CHECK(*m.gates[2].measured == Approx(10000.0 / 406));
}

TEST_CASE("a shard with no share adds nothing", "[shard]") {
  report::PhaseResult all;
  auto shards = fake_shards(all, {100, 100, 100, 0});
  shards[3] = report::PhaseResult();
  shards[3].name = "steady";
  shards[3].mode = "closed";
  shards[3].phase = shards[0].phase;
  shards[3].stop_reason = "no shard share";
  shards[3].shard = report::ShardShare{3, 4, false, "shard 3/4 runs no part", 0, 0, 0};
  const auto m = report::merge_shards(shards);
  CHECK(m.counts.connections == 300);
  CHECK(m.measured_s == Approx(4.0));
  CHECK(m.stop_reason == "duration");
}

TEST_CASE("the histogram JSON round trip is exact", "[shard]") {
  measure::Histogram h;
  for (std::uint64_t v : {1ULL, 999ULL, 123'456ULL, 7'000'000ULL, 61'000'000'000ULL}) h.record(v);
  const auto back = measure::histogram_from_json(measure::to_json(h).at("buckets"));
  CHECK(back == h);
  CHECK(back.min() == 1);
  CHECK(back.max() == measure::Histogram::kMaxValue);
  CHECK(back.overflow() == 1);
}

namespace {

report::ShardReport shard_report(const std::string& file, int index, int count,
                                 const std::string& sha = "aa", const std::string& version = "0.1.0") {
  report::ShardReport s;
  s.source = file;
  s.report.meta.scenario_name = "s";
  s.report.meta.scenario_sha256 = sha;
  s.report.meta.harness_version = version;
  s.report.meta.shard_index = index;
  s.report.meta.shard_count = count;
  return s;
}

struct Refusal {
  const char* name;
  std::vector<report::ShardReport> shards;
  const char* says;
};

}  // namespace

TEST_CASE("shard sets that do not belong together are refused", "[shard]") {
  const Refusal rows[] = {
      {"other scenario", {shard_report("a.json", 0, 2), shard_report("b.json", 1, 2, "bb")},
       "the shards ran different scenarios: a.json ran 's' (sha256 aa), b.json ran 's' (sha256 bb)"},
      {"other harness", {shard_report("a.json", 0, 2), shard_report("b.json", 1, 2, "aa", "0.2.0")},
       "different harness versions: a.json by 0.1.0, b.json by 0.2.0"},
      {"count mismatch", {shard_report("a.json", 0, 2), shard_report("b.json", 1, 3)},
       "shard count mismatch: a.json (shard 0/2) and b.json (shard 1/3)"},
      {"duplicate", {shard_report("a.json", 0, 2), shard_report("b.json", 0, 2)},
       "shard 0/2 given twice: a.json and b.json"},
      {"missing", {shard_report("a.json", 0, 4), shard_report("c.json", 2, 4)},
       "missing shards 1, 3 of 4 (given: 2 reports)"},
      {"not a shard", {shard_report("a.json", 0, 0)}, "a.json is not a shard report"},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    try {
      report::merge_shard_reports(row.shards);
      FAIL("merged");
    } catch (const report::ReportError& e) {
      CHECK_THAT(e.what(), Catch::Contains(row.says));
    }
  }
}

TEST_CASE("a report of another schema version is refused", "[shard]") {
  report::Report r;
  r.meta.shard_count = 1;
  auto doc = nlohmann::json::parse(report::to_json(r));
  CHECK_NOTHROW(report::report_from_json(doc.dump(), "ok.json"));
  doc["schema_version"] = report::kSchemaVersion + 1;
  CHECK_THROWS_WITH(report::report_from_json(doc.dump(), "new.json"),
                    Catch::Contains("new.json: schema_version 2, this harness reads schema_version 1"));
  CHECK_THROWS_WITH(report::report_from_json("{\"x\":1}", "x.json"),
                    Catch::Contains("x.json: not an mtls-harness report.json"));
  CHECK_THROWS_WITH(report::report_from_json("{", "broken.json"), Catch::Contains("broken.json: not JSON"));
}

// The must_refuse verdict from counts alone: got in, refused, or never tested.
TEST_CASE("must_refuse: fails when a faulty identity got in or was never tested", "[shard]") {
  struct Row {
    std::uint64_t refused, got_in;
    bool pass;
    const char* text;
  };
  const Row rows[] = {
      {5, 0, true, "no identity the gateway must refuse got in (5 of their connections"},
      {5, 2, false, "expired got in 2 times"},
      {0, 0, false, "not tested for expired: none of its connections ended in the window"},
  };
  for (const auto& row : rows) {
    report::PhaseResult r;
    report::IdentityOutcome valid, expired;
    valid.name = "valid";
    valid.accepted = 10;
    expired.name = "expired";
    expired.must_refuse = true;
    expired.expect = "refused (certificate_expired): tls_alert:certificate_expired";
    expired.refused_as_expected = row.refused;
    expired.wrongly_accepted = row.got_in;
    r.identities = {valid, expired};
    const auto gates = report::evaluate_gates(r.phase.gates, r);
    REQUIRE(gates.size() == 1);
    CAPTURE(gates[0].text);
    CHECK(gates[0].name == "must_refuse");
    CHECK(gates[0].pass == row.pass);
    CHECK_THAT(gates[0].text, Catch::Contains(row.text));
  }
  report::PhaseResult none_owed;
  none_owed.identities = {report::IdentityOutcome{}};
  CHECK(report::evaluate_gates(none_owed.phase.gates, none_owed).empty());
}

}  // namespace mtls::test
