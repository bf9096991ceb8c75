#include "pki/dir_safety.hpp"

#include <fmt/core.h>
#include <stdexcept>
#include <system_error>

#include "pki/layout.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;

void check_one(const fs::path& dir, fs::perms p) {
  const bool group = (p & fs::perms::group_write) != fs::perms::none;
  const bool world = (p & fs::perms::others_write) != fs::perms::none;
  if (!group && !world) return;
  throw std::runtime_error(fmt::format(
      "fixture directory {} is {}-writable (mode {:04o}): others could plant a CA or swap a "
      "key the gateway trusts, so its results would prove nothing; fix it with: chmod -R go-w {}",
      dir.string(), group && world ? "group- and world" : group ? "group" : "world",
      static_cast<unsigned>(p & fs::perms::mask), dir.string()));
}

}  // namespace

void refuse_foreign(const fs::path& dir) {
  std::error_code ec;
  const auto st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return;
  if (fs::is_directory(st) &&
      (fs::exists(layout::state(dir), ec) || fs::is_empty(dir, ec)))
    return;
  throw std::runtime_error(fmt::format(
      "fixtures directory {} exists and is not a fixture set the harness generated (it has no "
      "{}): it may be a gateway template folder, which git tracks, so no CA or client key is "
      "written there. Give the scenario another name ([scenario] name = \"{}-gate\"), pass --fixtures "
      "with another root, or, if it is a fixture set from an older harness, remove it",
      dir.string(), layout::state(dir).filename().string(), dir.filename().string()));
}

void refuse_shared_writable(const fs::path& dir) {
  std::error_code ec;
  const auto st = fs::symlink_status(dir, ec);
  if (ec || !fs::is_directory(st)) return;  // not generated yet: it is created 0755
  check_one(dir, st.permissions());
  // A few levels (ca/, clients/, crl/, server/); symlinks are not followed.
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const auto s = it->symlink_status(ec);
    if (!ec && fs::is_directory(s)) check_one(it->path(), s.permissions());
  }
}

}  // namespace mtls::pki
