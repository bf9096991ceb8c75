#include "faults_support.hpp"

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <sys/wait.h>

#include "common/process.hpp"
#include "scenario/loader.hpp"
#include "tlsclient/credentials.hpp"

namespace mtls::test {
namespace {

std::filesystem::path env_path(const char* name) {
  const char* v = std::getenv(name);
  if (!v) throw std::runtime_error(std::string(name) + " is not set: run the tests via meson test");
  return v;
}

}  // namespace

std::filesystem::path scenario_file() {
  return source_root() / "tests" / "faults" / "scenarios" / "faults-target.toml";
}
std::filesystem::path fixtures_root() {
  return env_path("MTLS_BUILD_ROOT") / "tests" / "faults" / "fixtures";
}

const scenario::Scenario& faults_scenario() {
  static const scenario::Scenario s = [] {
    auto r = scenario::load_file(scenario_file());
    if (!r.ok()) throw std::runtime_error(r.diagnostics.front().to_string());
    return r.scenario;
  }();
  return s;
}

const pki::Fixtures& faults_fixtures() {
  static const pki::Fixtures f = [] {
    pki::Options o;
    o.fixtures_root = fixtures_root();
    return pki::materialize(faults_scenario(), o);
  }();
  return f;
}

target::Endpoint endpoint_at(int port) {
  target::Endpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.server_name = "localhost";
  ep.trust = faults_fixtures().server_trust;
  return ep;
}

probe::Request probe_request(int port, scenario::TlsVersion v, long timeout_ms) {
  const auto ep = endpoint_at(port);
  probe::Request r;
  r.url = ep.url("/");
  r.connect_host = ep.host;
  r.connect_port = port;
  r.trust = ep.trust.string();
  r.client = tlsclient::credentials_for(*faults_fixtures().find("valid"));
  r.version = v;
  r.timeout_ms = timeout_ms;
  return r;
}

scenario::LoadPhase closed_phase(int connections, double duration_s) {
  scenario::LoadPhase p;
  p.name = "faults";
  p.connections = connections;
  p.duration_s = duration_s;
  p.threads = 1;
  return p;
}

scenario::LoadPhase open_phase(double rate, double duration_s) {
  scenario::LoadPhase p = closed_phase(0, duration_s);
  p.rate = rate;
  return p;
}

load::PhaseOptions quiet(std::chrono::milliseconds step_timeout) {
  load::PhaseOptions o;
  o.progress_to_stderr = false;
  o.timeout = step_timeout;
  return o;
}

ServeProcess::ServeProcess(int port) {
  faults_fixtures();  // materialized here first: serve then reuses it, no two writers
  common::SpawnOptions o;
  o.argv = {harness_bin().string(), "serve", scenario_file().string(),
            "--fixtures", fixtures_root().string(), "--port", std::to_string(port)};
  pid_ = common::spawn(o);
  if (!common::wait_until_listening("127.0.0.1", port, std::chrono::seconds(30), pid_)) {
    common::stop_process(pid_);
    throw std::runtime_error("mtls-harness serve did not listen on 127.0.0.1:" +
                             std::to_string(port) + " within 30 s");
  }
}

ServeProcess::~ServeProcess() {
  if (pid_ <= 0) return;
  if (paused_) ::kill(pid_, SIGCONT);
  common::stop_process(pid_);
}

void ServeProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = 0;
}

void ServeProcess::pause() {
  ::kill(pid_, SIGSTOP);
  paused_ = true;
}

void ServeProcess::resume() {
  ::kill(pid_, SIGCONT);
  paused_ = false;
}

}  // namespace mtls::test
