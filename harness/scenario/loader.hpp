// TOML file -> Scenario, with strict validation. Every problem in a file is collected
// (not only the first), each located and with a suggestion.
#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::scenario {

struct Diagnostic {
  std::filesystem::path file;
  int line = 0;    // 1-based; 0 when the problem has no single place (e.g. file missing)
  int column = 0;  // 1-based
  std::string key_path;  // e.g. "identity[2].fault"
  std::string message;   // what is wrong and what was expected
  std::string suggestion;  // e.g. "did you mean 'not_after_days'?"; may be empty

  // "file:line:col: key: message (suggestion)"
  std::string to_string() const;
};

struct LoadResult {
  Scenario scenario;                    // valid only when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // every error found
  bool ok() const { return diagnostics.empty(); }
};

LoadResult load_file(const std::filesystem::path& file);
// For tests and fuzzing: parse TOML text as if it came from `file_name`.
LoadResult load_text(std::string_view text, const std::filesystem::path& file_name);

}  // namespace mtls::scenario
