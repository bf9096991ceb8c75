// Loading a scenario for a subcommand: print every diagnostic and give exit code 2.
#pragma once

#include <filesystem>
#include <optional>

#include "scenario/scenario.hpp"

namespace mtls::cli {

// nullopt after printing the diagnostics to stderr.
std::optional<scenario::Scenario> load_or_report(const std::filesystem::path& file);

}  // namespace mtls::cli
