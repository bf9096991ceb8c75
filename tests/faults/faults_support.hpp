// Shared by the fault tests: one scenario and its fixture PKI (materialized once per
// program), probe requests and load phases aimed at a loopback port, and the embedded
// target run as its own process (`mtls-harness serve`) so it can be killed, stopped with
// SIGSTOP, and restarted on the same port.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/types.h>

#include "load/engine.hpp"
#include "pki/fixtures.hpp"
#include "probe/probe.hpp"
#include "scenario/scenario.hpp"
#include "run_cli.hpp"  // source_root(), harness_bin(), scratch(), start/wait_harness
#include "target/target.hpp"

namespace mtls::test {

std::filesystem::path scenario_file();   // tests/faults/scenarios/faults-target.toml
std::filesystem::path fixtures_root();   // <build>/tests/faults/fixtures
const scenario::Scenario& faults_scenario();
const pki::Fixtures& faults_fixtures();

// 127.0.0.1:port, server name "localhost", trusting the fixture server CA.
target::Endpoint endpoint_at(int port);
// One GET as the valid identity, bounded by timeout_ms.
probe::Request probe_request(int port, scenario::TlsVersion v, long timeout_ms);

scenario::LoadPhase closed_phase(int connections, double duration_s);
scenario::LoadPhase open_phase(double rate, double duration_s);
load::PhaseOptions quiet(std::chrono::milliseconds step_timeout);

// `mtls-harness serve` on a fixed port, in its own process group. Ready when the port
// accepts; the destructor resumes it if stopped and ends it (by its PID).
class ServeProcess {
 public:
  explicit ServeProcess(int port);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  pid_t pid() const { return pid_; }
  void kill_hard();  // SIGKILL and reap: the port refuses connections right after
  void pause();      // SIGSTOP: the kernel still accepts connections, nothing answers
  void resume();     // SIGCONT

 private:
  pid_t pid_ = 0;
  bool paused_ = false;
};

}  // namespace mtls::test
