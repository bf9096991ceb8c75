#include "common/resources.hpp"

#include <cstdlib>

namespace mtls::common {

namespace fs = std::filesystem;

std::vector<fs::path> resource_candidates(const fs::path& relative) {
  std::vector<fs::path> out;
  if (const char* root = std::getenv("MTLS_SOURCE_ROOT")) out.push_back(fs::path(root) / relative);
  out.push_back(fs::absolute(relative));
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = exe.parent_path();
    // Only a binary still in its meson build tree (<build>/harness/cli/) reads the sources:
    // an installed one in /usr/bin must not pick up a /fixtures that happens to exist.
    if (fs::exists(dir / ".." / ".." / "build.ninja", ec))
      out.push_back((dir / ".." / ".." / ".." / relative).lexically_normal());
    // Relative to the binary first, so a tree installed with --destdir or unpacked from the
    // package elsewhere (dpkg-deb -x) reads its own files, then the configured prefix.
    out.push_back((dir / ".." / "share" / "mtls-harness" / relative).lexically_normal());
  }
  const fs::path installed = fs::path(MTLS_HARNESS_DATADIR) / relative;
  if (out.back() != installed) out.push_back(installed);
  return out;
}

fs::path find_resource_dir(const fs::path& relative, const fs::path& marker,
                           std::vector<fs::path>* tried) {
  std::error_code ec;
  for (const auto& d : resource_candidates(relative)) {
    if (tried) tried->push_back(d);
    if (fs::is_directory(d, ec) && fs::exists(d / marker, ec)) return fs::absolute(d);
  }
  return {};
}

}  // namespace mtls::common
