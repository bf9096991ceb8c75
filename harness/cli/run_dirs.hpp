// What `run` owns in its report directory while it runs: the directory's lock (one run of a
// scenario at a time per report directory) and a runtime directory of its own for a launched
// gateway (config, pid file, logs), so no two runs ever share one.
#pragma once

#include <filesystem>

#include "common/file_lock.hpp"

namespace mtls::cli {

struct RunDirs {
  std::filesystem::path report;   // <reports>/<scenario> (or its shard-i-of-N)
  common::FileLock lock;          // <reports>/.<scenario>.lock; not held when unwritable
  std::filesystem::path runtime;  // <report>/target-<pid>
};

// Locks `report_dir`, waiting up to common::lock_wait() (throws common::LockBusy naming the
// holder's PID and the lock file, or common::Interrupted), then removes the runtime
// directories earlier runs left there. A reports root that cannot be written is not refused
// here (warned about): writing the report fails later with the exact reason.
RunDirs claim_report_dir(const std::filesystem::path& report_dir);

// After the run: <report>/target points at this run's runtime directory, where the gateway's
// logs stay readable (nothing when the target kept none, e.g. the embedded one).
void link_runtime_dir(const RunDirs& dirs);

}  // namespace mtls::cli
