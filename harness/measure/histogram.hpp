// HDR-style log-linear histogram of durations in nanoseconds: every power of two is split
// into 2^SubBits equal buckets, so a bucket is at most 1/2^SubBits of its value wide
// (SubBits = 7: <= 0.78 % wide, reported at its midpoint: <= 0.39 % error). Fixed memory,
// no allocation when recording, and merging two histograms is exact (bucket-wise sums), so
// per-thread and per-shard histograms combine into the same answer one histogram would give.
//
// Why not Boost.Histogram: its log axis has constant *relative* width only with a fixed bin
// count chosen up front and needs floating-point index math per sample; this layout is the
// HdrHistogram one (integer shift + mask), its bucket indices are stable across versions and
// shards, and the JSON carries them raw.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>

namespace mtls::measure {

template <int SubBits, typename Count = std::uint64_t>
class LogLinearHistogram {
 public:
  static constexpr int kSubBits = SubBits;
  static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << SubBits;
  // 60 s: anything slower is clamped here and counted in overflow().
  static constexpr std::uint64_t kMaxValue = 60'000'000'000ULL;

  static constexpr std::size_t index_of(std::uint64_t v) {
    if (v < kSubBuckets) return static_cast<std::size_t>(v);
    const int e = 63 - std::countl_zero(v);  // v in [2^e, 2^(e+1))
    const int shift = e - SubBits;
    return static_cast<std::size_t>(static_cast<std::uint64_t>(shift) * kSubBuckets +
                                    (v >> shift));
  }
  // The smallest value that lands in bucket i, and the bucket's width.
  static constexpr std::uint64_t lowest(std::size_t i) {
    if (i < 2 * kSubBuckets) return i;
    const std::uint64_t shift = i / kSubBuckets - 1;
    return (i - shift * kSubBuckets) << shift;
  }
  static constexpr std::uint64_t width(std::size_t i) {
    return i < 2 * kSubBuckets ? 1 : std::uint64_t{1} << (i / kSubBuckets - 1);
  }
  static constexpr std::size_t kBuckets = index_of(kMaxValue) + 1;

  void record(std::uint64_t ns, Count n = 1) {
    if (ns > kMaxValue) {
      ns = kMaxValue;
      overflow_ += n;
    }
    counts_[index_of(ns)] += n;
    total_ += n;
    sum_ += ns * n;
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
  }

  // Adds a raw bucket, e.g. read back from JSON; min/max become the bucket's bounds.
  void add_bucket(std::size_t i, Count n) {
    if (i >= kBuckets || n == 0) return;
    counts_[i] += n;
    total_ += n;
    sum_ += midpoint(i) * n;
    min_ = std::min(min_, lowest(i));
    max_ = std::max(max_, lowest(i) + width(i) - 1);
  }

  // Puts back the exact sum, min, max and overflow a saved copy carries beside its buckets
  // (add_bucket alone can only bound them), so a histogram read back equals the one written.
  void restore_exact(std::uint64_t sum, std::uint64_t min, std::uint64_t max, std::uint64_t overflow) {
    sum_ = sum;
    overflow_ = overflow;
    if (total_ == 0) return;
    min_ = min;
    max_ = max;
  }
  std::uint64_t sum() const { return sum_; }

  void merge(const LogLinearHistogram& o) {
    for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    sum_ += o.sum_;
    overflow_ += o.overflow_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }

  std::uint64_t count() const { return total_; }
  std::uint64_t overflow() const { return overflow_; }
  std::uint64_t min() const { return total_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0; }
  Count bucket(std::size_t i) const { return counts_[i]; }

  // q in [0, 1]: the value at rank ceil(q * count), as its bucket's midpoint clamped to the
  // recorded min/max (so p0 and p100 are exact). 0 when empty.
  std::uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_) + 0.999999999);
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::clamp(midpoint(i), min(), max_);
    }
    return max_;
  }

  static constexpr std::uint64_t midpoint(std::size_t i) { return lowest(i) + width(i) / 2; }

  friend bool operator==(const LogLinearHistogram& a, const LogLinearHistogram& b) {
    return a.total_ == b.total_ && a.sum_ == b.sum_ && a.min() == b.min() && a.max_ == b.max_ &&
           a.overflow_ == b.overflow_ && a.counts_ == b.counts_;
  }

 private:
  std::array<Count, kBuckets> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t sum_ = 0;  // ns; 2^64 ns is 584 years of summed latency
  std::uint64_t overflow_ = 0;
  std::uint64_t min_ = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_ = 0;
};

// Latency histograms of a phase: <= 0.39 % error, 3,840 buckets (30 KiB).
using Histogram = LogLinearHistogram<7>;
// One per second of a time series: <= 3.2 % error, 528 buckets of 32 bits (2 KiB).
using CoarseHistogram = LogLinearHistogram<4, std::uint32_t>;

}  // namespace mtls::measure
