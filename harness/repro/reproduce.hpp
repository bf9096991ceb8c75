// Reproducing one catalogue entry: load its scenario, build the fixture PKI, start the target
// (or point at a URL), provoke the failure once per TLS version with the libcurl probe and
// with the real `openssl s_client`, collect nginx's log lines, and compare with the claims.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pki/fixtures.hpp"
#include "probe/probe.hpp"
#include "repro/catalogue.hpp"
#include "repro/s_client.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::repro {

struct Options {
  std::filesystem::path scenarios_dir = "scenarios/repro";
  std::filesystem::path fixtures_root = "fixtures";
  std::filesystem::path work_dir = "reports/repro";  // target runtime dirs, s_client files
  std::optional<scenario::TargetKind> target;        // override the scenario's kind
  std::string target_url;             // a gateway someone else runs, instead of starting one
  std::filesystem::path target_cacert;  // the CA of that gateway's server certificate
  std::optional<scenario::TlsVersion> tls;  // only this version
  bool s_client = true;               // also run the real openssl s_client
};

// One provocation on one TLS version.
struct Attempt {
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  probe::Request request;
  probe::Outcome outcome;
  std::string server_log;       // nginx error.log lines this attempt wrote
  SClientRun s_client;
  std::vector<const Claim*> claims;     // what the catalogue says should be seen
  std::vector<std::string> mismatches;  // claims that did not hold; empty: reproduced
  std::optional<probe::Outcome> contrast;  // the same client sending its certificate
  bool reproduced() const { return mismatches.empty(); }
};

struct Reproduction {
  const Entry* entry = nullptr;
  std::filesystem::path scenario_file;
  std::string target_kind;   // "embedded", "nginx", "url"
  std::string target_text;   // RunningTarget::describe()
  pki::Fixtures fixtures;
  target::Endpoint endpoint;
  std::vector<Attempt> attempts;
  std::map<std::string, std::string> placeholders;  // for the confirm commands
  bool reproduced() const;
};

// Throws std::runtime_error when the scenario cannot be loaded or the entry does not apply
// to the chosen target, target::TargetError when the target cannot be started.
Reproduction reproduce(const Entry& e, const Options& o);

// The claims that do not hold for what was observed, one line each. `log` is ignored when
// empty and `check_log` is false (a URL target: no log).
std::vector<std::string> check(const Claim& c, const probe::Outcome& o, const std::string& log,
                               const SClientRun* s_client, bool check_log);

}  // namespace mtls::repro
