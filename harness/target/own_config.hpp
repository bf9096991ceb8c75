// The user's own gateway config ([target] config) for every launched kind: what the scenario
// learns from it before fixtures are made, the record of the rewrite that report.json and the
// terminal show, and the launched gateway that also owns the loopback backend its upstreams
// now point at.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "report/model/target_config.hpp"
#include "scenario/scenario.hpp"
#include "target/launch.hpp"
#include "userconf/rendered.hpp"

namespace mtls::target {

class LoopbackBackend;

// What the scenario must know of the config before fixtures are made and cases judged: the
// verify mode and CRL of the listener cases go to, and the server name they send (added to
// the fixture server certificate). Throws userconf::ConfigError (exit 2) for a config the
// harness cannot read or map. No-op without [target] config.
void adopt_own_config(scenario::Scenario& s);

namespace own {

// What the config decided, in the scenario's terms.
struct Adopted {
  scenario::VerifyMode verify = scenario::VerifyMode::off;
  bool crl = false;
  std::string server_name;  // "" when the config names none
  std::vector<userconf::IdentityHeader> identity_headers;  // for [checks]
  std::vector<userconf::Site> sites;                       // names on the cases' port
};
void apply(scenario::Scenario& s, const Adopted& a);

report::TargetConfig record(const scenario::Scenario& s, const std::vector<userconf::Listener>& listeners,
                            int chosen_port, const userconf::Rendered& r,
                            const std::filesystem::path& rendered_file);

// The client trust to put in the config: the fixture CA bundle, or nullopt (as written)
// when the user's CA issues the clients.
std::optional<std::filesystem::path> client_trust(const scenario::Scenario& s, const pki::Fixtures& f);

// Copies the fixture CRL bundle to `to` (the gateway reads its own copy, so a revocation
// during a run can replace it). Throws TargetError naming the gateway when it cannot.
void copy_crl(const pki::Fixtures& f, const std::filesystem::path& to, const std::string& gateway);

// Assigns a loopback port to every listener (`port` to the one cases go to) and returns
// written port -> loopback port.
std::map<int, int> assign_ports(std::vector<userconf::Listener>& listeners, int chosen_port, int port);

// Starts the gateway `g` describes (its prepare() renders `rendered` into `conf`), with the
// gateway's refusal translated to the user's file:line, and returns it as an OwnConfigTarget
// that owns `backend` and the record of the rewrite.
std::unique_ptr<RunningTarget> launch(const scenario::Scenario& s, const pki::Fixtures& f, const StartOptions& opts,
                                      const launch::Gateway& g, std::unique_ptr<LoopbackBackend> backend,
                                      const std::vector<userconf::Listener>& listeners, int chosen_port,
                                      const userconf::Rendered& rendered, const std::filesystem::path& conf);

// A launched gateway from a user's config: stops the gateway, then the backend.
class OwnConfigTarget : public launch::LaunchedTarget {
 public:
  OwnConfigTarget(const launch::Gateway& g, launch::Launched l, Endpoint ep,
                  std::unique_ptr<LoopbackBackend> backend, report::TargetConfig rewrite,
                  std::string description);
  ~OwnConfigTarget() override;
  std::string describe() const override { return description_; }
  const report::TargetConfig* config_rewrite() const override { return &rewrite_; }
  const LoopbackBackend* backend() const override { return backend_.get(); }
  void stop() override;

 private:
  std::unique_ptr<LoopbackBackend> backend_;
  report::TargetConfig rewrite_;
  std::string description_;
};

}  // namespace own
}  // namespace mtls::target
