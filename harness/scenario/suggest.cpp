#include "scenario/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace mtls::scenario {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// A typo changes a few letters; beyond a third of the word it is a different word, and
// suggesting it would mislead more than help.
std::size_t max_distance(std::string_view word) {
  return std::max<std::size_t>(1, (word.size() + 1) / 3);
}

template <typename S>
std::optional<std::string> nearest_of(std::string_view word, std::span<const S> candidates) {
  std::optional<std::string> best;
  std::size_t best_d = max_distance(word) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = std::string(c);
    }
  }
  return best;
}

template <typename S>
std::string join_of(std::span<const S> names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows: the swap rule looks two rows back. Case is ignored: "Expired" is
  // the same typo distance from "expired" as no typo at all.
  std::vector<std::size_t> two(b.size() + 1), one(b.size() + 1), cur(b.size() + 1);
  std::iota(one.begin(), one.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({one[j] + 1, cur[j - 1] + 1, one[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        cur[j] = std::min(cur[j], two[j - 2] + 1);
    }
    std::swap(two, one);
    std::swap(one, cur);
  }
  return one[b.size()];
}

std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates) {
  return nearest_of(word, candidates);
}

std::optional<std::string> nearest(std::string_view word,
                                   std::span<const std::string_view> candidates) {
  return nearest_of(word, candidates);
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  auto n = nearest(word, candidates);
  return n ? "did you mean '" + *n + "'?" : std::string();
}

std::string join_names(std::span<const std::string> names) { return join_of(names); }
std::string join_names(std::span<const std::string_view> names) { return join_of(names); }

std::string suggest_value(std::string_view word, std::span<const std::string> valid) {
  std::string guess = did_you_mean(word, valid);
  std::string list = "expected one of: " + join_names(valid);
  return guess.empty() ? list : guess + " " + list;
}

}  // namespace mtls::scenario
