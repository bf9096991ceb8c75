// SIGINT/SIGTERM turn into a flag the long-running stages poll, so a run that is stopped
// still stops its children and writes its report (marked partial).
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

namespace mtls::common {

// Installs the handlers (idempotent) and returns the flag they set.
const std::atomic<bool>& install_stop_handlers();
// The signal that set the flag (SIGINT, SIGTERM), 0 if none.
int stop_signal();
// Whether a stop signal arrived; always false when the handlers were never installed.
bool stop_requested();

// Work that was stopped by SIGINT/SIGTERM before it finished (fixture generation, a wait for
// a lock): the commands turn it into exit code 130.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws Interrupted ("stopped by signal N <during>") when a stop signal arrived.
void throw_if_stopped(const std::string& during);

}  // namespace mtls::common
