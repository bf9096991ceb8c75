// Where the repository's shipped files (gateway templates under fixtures/, scenarios/repro/)
// are found, whatever the current directory: the binary is run from the repository root,
// from a test's scratch directory, or installed (`meson install`, the Debian package) and
// run by a CI job anywhere.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mtls::common {

// Candidates for `relative` (e.g. "fixtures/nginx"), in order: $MTLS_SOURCE_ROOT/relative,
// ./relative, the source tree the binary was built from (<build>/harness/cli/../../..) when
// it runs from its build tree, <bindir>/../share/mtls-harness/relative, and the configured
// <prefix>/share/mtls-harness/relative.
std::vector<std::filesystem::path> resource_candidates(const std::filesystem::path& relative);

// The first candidate that is a directory containing `marker` (a file or folder name);
// empty when none is. `tried` receives every candidate, for the error message.
std::filesystem::path find_resource_dir(const std::filesystem::path& relative,
                                        const std::filesystem::path& marker,
                                        std::vector<std::filesystem::path>* tried = nullptr);

}  // namespace mtls::common
