#include "pki/stage.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/core.h>
#include <stdexcept>
#include <unistd.h>

#include "common/files.hpp"
#include "pki/layout.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;

fs::path parent_of(const fs::path& dir) {
  return dir.has_parent_path() ? dir.parent_path() : fs::path(".");
}

// Under the lock nobody else builds this set: every staging directory of it is left over.
void remove_leftovers(const fs::path& final_dir) {
  const std::string prefix = layout::staging_prefix(final_dir);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent_of(final_dir), ec))
    if (e.path().filename().string().rfind(prefix, 0) == 0) fs::remove_all(e.path(), ec);
}

[[noreturn]] void fail(const std::string& what, const fs::path& from, const fs::path& to, int err) {
  throw std::runtime_error(fmt::format("cannot {} {} and {}: {}; the new fixture set was not "
                                       "put in place", what, from.string(), to.string(),
                                       std::strerror(err)));
}

}  // namespace

StagedSet::StagedSet(fs::path final_dir) : final_(std::move(final_dir)) {
  remove_leftovers(final_);
  staging_ = parent_of(final_) / (layout::staging_prefix(final_) + std::to_string(::getpid()));
  common::make_dirs(staging_);
  fs::permissions(staging_, fs::perms(0755));
}

StagedSet::~StagedSet() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void StagedSet::commit() {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(final_, ec))) {
    if (::rename(staging_.c_str(), final_.c_str()) != 0) fail("rename", staging_, final_, errno);
    committed_ = true;
    return;
  }
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) != 0) {
    const int err = errno;
    if (err != EINVAL && err != ENOSYS && err != ENOTSUP) fail("exchange", staging_, final_, err);
    // No exchange on this file system: the old set steps aside first. A crash in between
    // leaves no set at all (regenerated next time), never a mixed one.
    const auto aside = staging_.string() + ".old";
    if (::rename(final_.c_str(), aside.c_str()) != 0) fail("move aside", final_, aside, errno);
    if (::rename(staging_.c_str(), final_.c_str()) != 0) {
      const int rename_err = errno;
      ::rename(aside.c_str(), final_.c_str());  // the old set back where it was
      fail("rename", staging_, final_, rename_err);
    }
    committed_ = true;
    fs::remove_all(aside, ec);
    return;
  }
  committed_ = true;
  fs::remove_all(staging_, ec);  // holds the old set now
}

}  // namespace mtls::pki
