#include "repro_support.hpp"

#include <cstdlib>

namespace mtls::repro::test {

std::filesystem::path source_root() {
  const char* root = std::getenv("MTLS_SOURCE_ROOT");
  return root ? std::filesystem::path(root) : std::filesystem::current_path();
}

const std::filesystem::path& scratch() {
  static pki::test::TempDir dir("repro");
  return dir.path();
}

Options options_for(scenario::TargetKind kind) {
  Options o;
  o.scenarios_dir = source_root() / "scenarios" / "repro";
  o.fixtures_root = scratch() / "fixtures";
  o.work_dir = scratch() / ("work-" + scenario::to_string(kind));
  o.target = kind;
  return o;
}

}  // namespace mtls::repro::test
