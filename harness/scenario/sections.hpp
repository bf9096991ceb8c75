// The top-level sections of a scenario file, in the order they are read: later sections
// take their defaults from earlier ones (identity from pki, case from target and identity).
// A new section (e.g. [[load]]) is one more Section object and one more row in loader.cpp.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scenario/reader.hpp"

namespace mtls::scenario::detail {

struct Section {
  std::string_view name;  // the top-level key
  bool array;             // [[name]] (array of tables) rather than [name]
  Keys keys;              // keys a table of this section accepts
  void (*read)(Reader&, const toml::table& root, Scenario&);
};

extern const Section kScenarioSection;
extern const Section kPkiSection;
extern const Section kTargetSection;
extern const Section kIdentitySection;
extern const Section kCaseSection;
extern const Section kLoadSection;
extern const Section kChecksSection;

// Why a file the scenario names (cert, key, chain, ca_file) cannot be read, or nullopt:
// "no such file: PATH", or PATH and what it is instead (a FIFO, a device, too large).
std::optional<std::string> input_file_problem(const std::filesystem::path& file);

// Cases implied when a scenario has no [[case]]: one per identity, plus "missing".
void imply_cases(Scenario& s);

}  // namespace mtls::scenario::detail
