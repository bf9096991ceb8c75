// The log-linear histogram: relative error bound, exact merges, JSON round trip.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include <set>
#include <string>
#include <nlohmann/json.hpp>

#include "measure/events.hpp"
#include "measure/histogram.hpp"
#include "measure/histogram_json.hpp"
#include "measure/timeseries.hpp"

namespace mtls::measure {
namespace {

TEST_CASE("bucket layout is contiguous and at most 1/128 of its value wide", "[load]") {
  for (std::size_t i = 1; i < Histogram::kBuckets; ++i)
    REQUIRE(Histogram::lowest(i) == Histogram::lowest(i - 1) + Histogram::width(i - 1));
  for (std::size_t i = Histogram::kSubBuckets; i < Histogram::kBuckets; ++i)
    REQUIRE(static_cast<double>(Histogram::width(i)) / static_cast<double>(Histogram::lowest(i)) <=
            1.0 / 128);
  CHECK(Histogram::kBuckets == 3808);
}

TEST_CASE("a single value comes back within 0.4 % across 1 µs .. 60 s", "[load]") {
  const std::uint64_t value = GENERATE(1'000ULL, 1'234ULL, 99'999ULL, 1'000'000ULL, 2'718'281ULL,
                                       123'456'789ULL, 1'000'000'000ULL, 59'999'999'999ULL);
  Histogram h;
  h.record(value);
  h.record(value);  // two, so the midpoint is not clamped to min = max
  Histogram wide;
  wide.record(value);
  wide.record(1);
  wide.record(Histogram::kMaxValue);
  const double got = static_cast<double>(wide.percentile(0.5));
  CAPTURE(value, got);
  CHECK(std::abs(got - static_cast<double>(value)) / static_cast<double>(value) <= 0.004);
  CHECK(h.percentile(0.5) == value);  // clamped to the exact min/max
}

TEST_CASE("percentiles of a known distribution are within 1 %", "[load]") {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100'000; ++v) h.record(v * 1'000);  // 1 µs .. 100 ms
  struct Row {
    double q;
    double expected;
  };
  const auto row = GENERATE(Row{0.5, 50'000'000}, Row{0.9, 90'000'000}, Row{0.99, 99'000'000},
                            Row{0.999, 99'900'000});
  const double got = static_cast<double>(h.percentile(row.q));
  CAPTURE(row.q, got);
  CHECK(std::abs(got - row.expected) / row.expected <= 0.01);
  CHECK(h.count() == 100'000);
  CHECK(h.min() == 1'000);
  CHECK(h.max() == 100'000'000);
}

TEST_CASE("merging is exact: two halves equal one histogram of everything", "[load]") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(14.0, 1.5);  // ~1 ms median, long tail
  Histogram all, a, b;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<std::uint64_t>(latency(rng));
    all.record(v);
    (i % 3 ? a : b).record(v);
  }
  a.merge(b);
  CHECK(a == all);
  for (double q : {0.0, 0.5, 0.99, 0.9999, 1.0}) CHECK(a.percentile(q) == all.percentile(q));
}

TEST_CASE("values beyond 60 s are clamped and counted as overflow", "[load]") {
  Histogram h;
  h.record(Histogram::kMaxValue * 2);
  CHECK(h.overflow() == 1);
  CHECK(h.max() == Histogram::kMaxValue);
}

TEST_CASE("JSON buckets round-trip to the same counts", "[load]") {
  Histogram h;
  for (std::uint64_t v : {1'500ULL, 2'000'000ULL, 2'000'000ULL, 7'000'000'000ULL}) h.record(v);
  const auto j = to_json(h);
  const Histogram back = histogram_from_json(j["buckets"]);
  for (std::size_t i = 0; i < Histogram::kBuckets; ++i) REQUIRE(back.bucket(i) == h.bucket(i));
  CHECK(back.count() == 4);
  CHECK(j["p50_ms"].get<double>() == Approx(2.0).epsilon(0.004));
  CHECK_THROWS_AS(histogram_from_json({{"scheme", "hdr"}}), std::invalid_argument);
}

TEST_CASE("time series: seconds merge bucket-wise", "[load]") {
  TimeSeries a, b;
  a.at(0.5).connections = 2;
  b.at(0.2).connections = 3;
  b.at(2.1).errors = 1;
  a.merge(b);
  REQUIRE(a.seconds().size() == 3);
  CHECK(a.seconds()[0].connections == 5);
  CHECK(a.seconds()[2].errors == 1);
}

// Events from several worker threads, merged in time order, become episodes: one stretch
// while any thread was failing, its error count the sum of the threads' counts.
TEST_CASE("events group into episodes across threads", "[load]") {
  struct Failure {
    double t;
    const char* key;
  };
  measure::EventLog a, b;
  for (const auto& f : {Failure{0.9, "connect:refused"}, Failure{1.0, "connect:refused"}}) a.failed(f.t, f.key);
  a.ok(2.2);
  b.failed(1.5, "tls:eof");
  b.ok(2.0);
  a.failed(5.0, "timeout:handshake");
  a.close(6.0);
  b.close(6.0);  // not failing: nothing to close
  measure::EventLog all;
  all.merge(a);
  all.merge(b);
  const auto eps = all.episodes();
  REQUIRE(eps.size() == 2);
  CHECK(eps[0].from_s == Approx(0.9));
  CHECK(eps[0].to_s == Approx(2.2));
  CHECK(eps[0].errors == 3);
  CHECK(eps[0].classes == std::set<std::string>{"connect:refused", "tls:eof"});
  CHECK(eps[0].recovered);
  CHECK(measure::describe(eps[0]) == "t=0.90–2.20 s: 3 errors (connect:refused, tls:eof), recovered");
  CHECK_FALSE(eps[1].recovered);
  CHECK(eps[1].errors == 1);
  CHECK(measure::describe(eps[1]) ==
        "t=5.00–6.00 s: 1 errors (timeout:handshake), not recovered by the window's end");
  // Read back from report JSON, the same episodes.
  const auto again = measure::EventLog::from_json(all.to_json()).episodes();
  REQUIRE(again.size() == 2);
  CHECK(again[1].errors == 1);
  CHECK_FALSE(again[1].recovered);
}

}  // namespace
}  // namespace mtls::measure
