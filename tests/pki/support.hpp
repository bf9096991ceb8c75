// Shared by the pki tests and the PKI bench: scenarios built in code (no loader), scratch
// directories under MTLS_BUILD_ROOT, and running a command to capture its output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki::test {

// A fresh directory under $MTLS_BUILD_ROOT (or the system temp dir), removed on
// destruction unless MTLS_KEEP_TMP is set.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A generated identity with the default validity window for its fault (what the loader
// resolves: expired [-30,-1], not-yet-valid [1,366], otherwise [-1,365]).
scenario::Identity identity(const std::string& name, scenario::Fault fault,
                            scenario::KeyType key = scenario::KeyType::ec_p256);

// One identity per fault, named after it ("none" is "valid"), plus "key-<type>" for
// every key type, all valid.
scenario::Scenario every_fault_scenario(const std::string& name,
                                        scenario::KeyType ca_key = scenario::KeyType::ec_p256);

// The identities of scenarios/quickstart.toml, built in code.
scenario::Scenario quickstart_like(scenario::KeyType key_type);

// every_fault_scenario("faults") materialized once per test program, in a TempDir.
const Fixtures& every_fault_fixtures();
std::vector<std::string> identity_names(const Fixtures& f);

struct Captured {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};
Captured run_capture(const std::vector<std::string>& argv, const std::filesystem::path& scratch);

}  // namespace mtls::pki::test
