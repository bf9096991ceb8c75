// Open files for a phase: a phase of 20,000 connections needs 20,000 descriptors (twice that
// with the embedded target in this process), more than a default soft limit allows, and a
// connect that fails with EMFILE is the harness's limit, not the target's error.
#pragma once

#include <cstdint>

namespace mtls::load {

struct FileLimit {
  std::uint64_t soft = 0;   // in force, after raising it
  std::uint64_t hard = 0;
  std::uint64_t open = 0;   // descriptors this process has open now
  std::uint64_t free() const { return soft > open ? soft - open : 0; }
};

// Raises the soft RLIMIT_NOFILE to the hard one (a no-op when it already is), then says
// where it stands.
FileLimit raise_open_file_limit();

}  // namespace mtls::load
