// "Did you mean ...?" for typos in keys, enum values and identity names, and the list of
// valid values when nothing is close enough to guess.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mtls::scenario {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
// two neighbours each cost 1 (a swap is the most common typo: "nmae").
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate, if it is close enough to be a plausible typo; ties go to the
// first candidate so suggestions are stable.
std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates);
std::optional<std::string> nearest(std::string_view word,
                                   std::span<const std::string_view> candidates);

// "did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

// "a, b, c"
std::string join_names(std::span<const std::string> names);
std::string join_names(std::span<const std::string_view> names);

// "did you mean 'x'? expected one of: a, b, c" — or only the list when nothing is close.
std::string suggest_value(std::string_view word, std::span<const std::string> valid);

}  // namespace mtls::scenario
