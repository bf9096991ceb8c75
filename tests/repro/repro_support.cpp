#include "repro_support.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "target/nginx_binary.hpp"

namespace mtls::repro::test {

std::filesystem::path source_root() {
  const char* root = std::getenv("MTLS_SOURCE_ROOT");
  return root ? std::filesystem::path(root) : std::filesystem::current_path();
}

const std::filesystem::path& scratch() {
  static pki::test::TempDir dir("repro");
  return dir.path();
}

bool nginx_installed() {
  try {
    target::nginx::locate("nginx");
    return true;
  } catch (const target::TargetError& e) {
    WARN("nginx rows skipped: " << e.what());
    return false;
  }
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
