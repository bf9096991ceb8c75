#include "load_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace mtls::test {
namespace {

scenario::Identity identity(const std::string& name, scenario::Fault fault) {
  scenario::Identity id;
  id.name = name;
  id.fault = fault;
  id.common_name = "client-" + name;
  if (fault == scenario::Fault::expired) {  // the loader would resolve this window
    id.not_before_days = -30;
    id.not_after_days = -1;
  }
  return id;
}

scenario::Scenario make_scenario() {
  scenario::Scenario s;
  s.name = "load-test";
  s.identities = {identity("valid", scenario::Fault::none),
                  identity("expired", scenario::Fault::expired)};
  s.target.kind = scenario::TargetKind::embedded;
  return s;
}

}  // namespace

const scenario::Scenario& load_scenario() {
  static const scenario::Scenario s = make_scenario();
  return s;
}

const pki::Fixtures& load_fixtures() {
  static const pki::Fixtures f = [] {
    const char* build = std::getenv("MTLS_BUILD_ROOT");
    if (!build) throw std::runtime_error("MTLS_BUILD_ROOT is not set: run the tests via meson test");
    pki::Options o;
    o.fixtures_root = std::filesystem::path(build) / "tests" / "load" / "fixtures";
    return pki::materialize(load_scenario(), o);
  }();
  return f;
}

std::unique_ptr<target::RunningTarget> serve_embedded(bool resumption) {
  scenario::Scenario s = load_scenario();
  s.target.session_cache = resumption;
  s.target.session_tickets = resumption;
  target::StartOptions opts;
  opts.threads = 1;
  return target::start_embedded(s, load_fixtures(), opts);
}

std::unique_ptr<target::RunningTarget> serve(scenario::TargetKind kind, bool resumption) {
  if (kind == scenario::TargetKind::embedded) return serve_embedded(resumption);
  static int counter = 0;
  scenario::Scenario s = load_scenario();
  s.target.kind = kind;
  s.target.profile = "nginx";
  s.target.session_cache = resumption;
  s.target.session_tickets = resumption;
  target::StartOptions opts;
  opts.runtime_dir = load_fixtures().dir.parent_path() /
                     ("nginx-run-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  return target::start(s, load_fixtures(), opts);
}

Refusal expired_refusal(scenario::TargetKind kind, scenario::TlsVersion) {
  // nginx completes the handshake on both versions and answers 400 itself.
  if (kind == scenario::TargetKind::nginx) return {"http_status:400", false};
  return {"tls_alert:certificate_expired", true};
}

load::PhaseOptions quiet_for(const target::RunningTarget& t) {
  auto o = quiet();
  o.target_in_process = t.pid() == 0;
  o.target_pid = t.pid();
  return o;
}

scenario::LoadPhase short_phase(std::int64_t total, int concurrency) {
  scenario::LoadPhase p;
  p.name = "test";
  p.connections = concurrency;
  p.max_connections_total = total;
  p.duration_s = 20;  // a bound only: max_connections_total ends the phase first
  p.threads = 1;
  return p;
}

load::PhaseOptions quiet() {
  load::PhaseOptions o;
  o.progress_to_stderr = false;
  o.target_in_process = true;
  o.timeout = std::chrono::milliseconds(3000);
  return o;
}

}  // namespace mtls::test
