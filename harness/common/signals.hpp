// SIGINT/SIGTERM turn into a flag the long-running stages poll, so a run that is stopped
// still stops its children and writes its report (marked partial).
#pragma once

#include <atomic>

namespace mtls::common {

// Installs the handlers (idempotent) and returns the flag they set.
const std::atomic<bool>& install_stop_handlers();
// The signal that set the flag (SIGINT, SIGTERM), 0 if none.
int stop_signal();

}  // namespace mtls::common
