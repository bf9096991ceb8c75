// A fixture set is built whole in a staging directory beside fixtures/<scenario>/ and then
// swapped into place with one rename, so a reader (or the next run) finds the old complete
// set or the new complete one, never files of both. Callers hold the set's lock.
#pragma once

#include <filesystem>

namespace mtls::pki {

class StagedSet {
 public:
  // Removes what interrupted runs left beside `final_dir` (their staging directories) and
  // creates a fresh, empty staging directory, mode 0755.
  explicit StagedSet(std::filesystem::path final_dir);
  // Removes the staging directory unless it was committed: a failed or stopped generation
  // leaves the previous set as it was.
  ~StagedSet();
  StagedSet(const StagedSet&) = delete;
  StagedSet& operator=(const StagedSet&) = delete;

  const std::filesystem::path& path() const { return staging_; }

  // Puts the staging directory in the place of final_dir (atomically exchanged when the file
  // system can, else two renames) and removes the old set. Throws with both paths on failure.
  void commit();

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace mtls::pki
