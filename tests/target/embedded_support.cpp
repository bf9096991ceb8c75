#include "embedded_support.hpp"

#include <stdexcept>

#include "support.hpp"  // tests/pki: every_fault_fixtures

namespace mtls::test {

const pki::Fixtures& fixtures() { return pki::test::every_fault_fixtures(); }

scenario::Target strict_target() {
  scenario::Target t;
  t.kind = scenario::TargetKind::embedded;
  t.verify_depth = fixtures().verify_depth;
  t.allow.common_names = {"client-valid"};
  t.allow.san_uri = {"spiffe://cluster.local/ns/prod/sa/order"};
  return t;
}

std::unique_ptr<target::EmbeddedServer> serve(const scenario::Target& t,
                                              const target::EmbeddedLimits& limits,
                                              int threads) {
  scenario::Scenario s;
  s.name = "embedded-test";
  s.target = t;
  target::StartOptions opts;
  opts.threads = threads;
  return std::make_unique<target::EmbeddedServer>(s, fixtures(), opts, limits);
}

ClientRun as(const std::string& name, scenario::TlsVersion v) {
  ClientRun run;
  run.version = v;
  if (name == "none") return run;
  const pki::IdentityFiles* id = fixtures().find(name);
  if (id == nullptr) throw std::runtime_error("no identity '" + name + "' in the test fixtures");
  run.credentials = tlsclient::credentials_for(*id);
  return run;
}

}  // namespace mtls::test
