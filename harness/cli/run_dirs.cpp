#include "cli/run_dirs.hpp"

#include "common/signals.hpp"

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace mtls::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLink = "target";
constexpr const char* kRuntimePrefix = "target-";

fs::path lock_file_of(const fs::path& report_dir) {
  const auto parent = report_dir.has_parent_path() ? report_dir.parent_path() : fs::path(".");
  return parent / ("." + report_dir.filename().string() + ".lock");
}

}  // namespace

RunDirs claim_report_dir(const fs::path& report_dir) {
  RunDirs d;
  d.report = report_dir;
  d.runtime = report_dir / (kRuntimePrefix + std::to_string(::getpid()));
  try {
    d.lock = common::FileLock::acquire(lock_file_of(report_dir), common::lock_wait(),
                                       "report directory " + report_dir.string());
  } catch (const common::LockBusy&) {
    throw;
  } catch (const common::Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    std::cerr << "mtls-harness: warning: " << e.what() << "; running without the lock\n";
    return d;
  }
  // Under the lock no other run uses this directory: every runtime directory in it is old.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(report_dir, ec))
    if (e.path().filename().string().rfind(kRuntimePrefix, 0) == 0 && e.is_directory(ec) &&
        !e.is_symlink(ec))
      fs::remove_all(e.path(), ec);
  return d;
}

void link_runtime_dir(const RunDirs& d) {
  std::error_code ec;
  const auto link = d.report / kLink;
  if (!fs::is_directory(d.runtime, ec)) {
    if (fs::is_symlink(fs::symlink_status(link, ec))) fs::remove(link, ec);  // would dangle
    return;
  }
  // The runtime directory of an older harness version, a real directory: replaced.
  if (fs::is_directory(fs::symlink_status(link, ec))) fs::remove_all(link, ec);
  const auto tmp = d.report / (std::string(kLink) + ".link." + std::to_string(::getpid()));
  fs::remove(tmp, ec);
  fs::create_directory_symlink(d.runtime.filename(), tmp, ec);
  if (ec || std::rename(tmp.c_str(), link.c_str()) != 0) {
    std::cerr << "mtls-harness: warning: cannot point " << link.string() << " at "
              << d.runtime.string() << "; the gateway's files are there\n";
    fs::remove(tmp, ec);
  }
}

}  // namespace mtls::cli
