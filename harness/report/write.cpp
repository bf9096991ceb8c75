#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "report/report.hpp"

namespace mtls::report {

std::optional<std::string> append_to_step_summary(const std::string& markdown) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') return std::nullopt;
  // Append, never replace: earlier steps of the job wrote their own summaries there.
  std::ofstream out(path, std::ios::app | std::ios::binary);
  if (out) out << markdown << "\n";
  if (out) out.flush();
  if (!out)
    return std::string("cannot append the summary to GITHUB_STEP_SUMMARY=") + path + ": " +
           std::strerror(errno);
  return std::nullopt;
}

std::vector<std::filesystem::path> write_all(const Report& r, const std::filesystem::path& dir,
                                             std::ostream& warnings) {
  common::make_dirs(dir);
  // All staged before any is renamed: a full disk leaves the earlier set as it was.
  // JSON renamed last: it is the canonical file, and its presence means the set is complete.
  const auto markdown = to_markdown(r);
  const std::vector<common::FileContent> files{
      {dir / "junit.xml", to_junit(r)},
      {dir / "report.html", to_html(r)},
      {dir / "summary.md", markdown},
      {dir / "report.json", to_json(r)},
  };
  common::write_files_atomic(files);
  if (auto problem = append_to_step_summary(markdown))
    warnings << "mtls-harness: warning: " << *problem << "\n";
  std::vector<std::filesystem::path> written;
  for (const auto& f : files) written.push_back(f.path);
  return written;
}

std::vector<std::filesystem::path> write_all(const Report& r, const std::filesystem::path& dir) {
  return write_all(r, dir, std::cerr);
}

}  // namespace mtls::report
