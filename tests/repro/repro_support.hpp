// Shared by the repro and diagnose tests: where the sources are, scratch space, nginx.
#pragma once

#include <filesystem>

#include "repro/reproduce.hpp"
#include "support.hpp"  // tests/pki: TempDir, identity(), run_capture

namespace mtls::repro::test {

std::filesystem::path source_root();
// One scratch directory per test program (fixtures, target runtime dirs, s_client files).
const std::filesystem::path& scratch();
// False (with a WARN) when nginx is not installed: the nginx rows are skipped.
bool nginx_installed();
// Options for reproducing from the shipped scenarios/repro/ into the scratch directory.
Options options_for(scenario::TargetKind kind);

}  // namespace mtls::repro::test
