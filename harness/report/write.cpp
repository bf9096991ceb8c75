#include "common/files.hpp"
#include "report/report.hpp"

namespace mtls::report {

std::vector<std::filesystem::path> write_all(const Report& r, const std::filesystem::path& dir) {
  common::make_dirs(dir);
  std::vector<std::filesystem::path> written;
  // JSON last: it is the canonical file, and its presence means the set is complete.
  auto junit = dir / "junit.xml";
  common::write_file_atomic(junit, to_junit(r));
  written.push_back(junit);
  auto json = dir / "report.json";
  common::write_file_atomic(json, to_json(r));
  written.push_back(json);
  return written;
}

}  // namespace mtls::report
