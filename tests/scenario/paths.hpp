// Where the test data is: the source tree as meson passes it in MTLS_SOURCE_ROOT.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace mtls::scenario::test {

inline std::filesystem::path source_root() {
  const char* root = std::getenv("MTLS_SOURCE_ROOT");
  if (!root) throw std::runtime_error("MTLS_SOURCE_ROOT is not set; run the tests with meson test");
  return root;
}

inline std::filesystem::path test_dir() { return source_root() / "tests" / "scenario"; }

}  // namespace mtls::scenario::test
