// libFuzzer target: arbitrary bytes as a scenario file. The loader must answer every input
// with either a scenario or located diagnostics — never crash, hang, or throw past its API.
// Files a scenario names (cert, key, ca_file) are plain paths that do not exist here, so
// they take the normal "no such file" path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scenario/loader.hpp"

namespace {

const std::filesystem::path kName = "fuzz-input.toml";

// A violated invariant is a finding, like a crash.
void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto r = mtls::scenario::load_text(text, kName);
  for (const auto& d : r.diagnostics) {
    require(d.file == kName);
    require(!d.message.empty());
    require(d.line >= 0 && d.column >= 0);
    require(!d.to_string().empty());
  }
  if (r.ok()) require(!r.scenario.name.empty());
  return 0;
}
