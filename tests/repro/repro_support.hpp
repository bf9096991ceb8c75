// Shared by the repro and diagnose tests: where the sources are, scratch space, nginx.
#pragma once

#include <filesystem>

#include "prerequisites.hpp"  // tests/: installed()
#include "repro/reproduce.hpp"
#include "support.hpp"  // tests/pki: TempDir, identity(), run_capture

namespace mtls::repro::test {

std::filesystem::path source_root();
// One scratch directory per test program (fixtures, target runtime dirs, s_client files).
const std::filesystem::path& scratch();
// Options for reproducing from the shipped scenarios/repro/ into the scratch directory.
Options options_for(scenario::TargetKind kind);

}  // namespace mtls::repro::test
