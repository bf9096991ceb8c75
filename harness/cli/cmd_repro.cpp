// `mtls-harness repro --list | NAME`: provoke a classic mTLS failure and show what every side
// prints, why, and how to fix it. Exit 0 when it showed as catalogued, 1 otherwise.
#include <sstream>
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/printable.hpp"
#include "cli/commands.hpp"
#include "common/resources.hpp"
#include "repro/catalogue.hpp"
#include "repro/render.hpp"
#include "repro/reproduce.hpp"
#include "scenario/names.hpp"
#include "target/target.hpp"

namespace mtls::cli {
namespace {

struct ReproArgs {
  std::string name;
  bool list = false;
  std::string target;  // embedded | nginx | https://...
  std::string cacert;  // with a URL target
  std::string tls;
  std::string scenarios;  // empty: the shipped scenarios/repro, found like the templates
  std::string fixtures = "fixtures";
  std::string work = "reports/repro";
  bool no_s_client = false;
};

int run(const ReproArgs& a) {
  if (a.list || a.name.empty()) {
    repro::print_catalogue(std::cout);
    return a.list ? kOk : kBadInput;
  }
  const auto* entry = repro::find(a.name);
  if (!entry) {
    std::cerr << "repro: no entry named '" << a.name << "'; `mtls-harness repro --list` shows them\n";
    return kBadInput;
  }
  repro::Options o;
  o.scenarios_dir = a.scenarios;
  if (o.scenarios_dir.empty()) {
    std::vector<std::filesystem::path> tried;
    o.scenarios_dir = common::find_resource_dir("scenarios/repro", std::string(entry->scenario), &tried);
    if (o.scenarios_dir.empty()) {
      std::cerr << "repro: cannot find scenarios/repro/" << entry->scenario
                << " (run from the repository, set MTLS_SOURCE_ROOT, or pass --scenarios); tried:";
      for (const auto& t : tried) std::cerr << "\n  " << t.string();
      std::cerr << "\n";
      return kBadInput;
    }
  }
  o.fixtures_root = a.fixtures;
  o.work_dir = a.work;
  o.s_client = !a.no_s_client;
  if (a.target.rfind("https://", 0) == 0) {
    o.target_url = a.target;
    o.target_cacert = a.cacert;
  } else if (!a.target.empty()) {
    auto k = scenario::parse_name<scenario::TargetKind>(a.target);
    if (!k || (*k != scenario::TargetKind::embedded && *k != scenario::TargetKind::nginx)) {
      std::cerr << "--target: '" << a.target << "' is not embedded, nginx or an https:// URL\n";
      return kBadInput;
    }
    o.target = *k;
  }
  if (!a.tls.empty()) {
    o.tls = scenario::parse_name<scenario::TlsVersion>(a.tls);
    if (!o.tls) {
      std::cerr << "--tls: '" << a.tls << "' is not 1.2 or 1.3\n";
      return kBadInput;
    }
  }
  try {
    const auto r = repro::reproduce(*entry, o);
    std::ostringstream text;  // a gateway's answer is not ours to trust on a terminal
    repro::print_reproduction(r, text);
    std::cout << common::printable_lines(text.str());
    return r.reproduced() ? kOk : kExpectationFailed;
  } catch (const target::TargetError& e) {
    std::cerr << "mtls-harness repro: the target could not be started: " << e.what() << "\n";
    return kTargetUnavailable;
  }
}

}  // namespace

void add_repro(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "repro", "Reproduce a classic mTLS failure: every side's message, the cause, the fix");
  auto a = std::make_shared<ReproArgs>();
  cmd->add_option("NAME", a->name, "Catalogue entry (see --list)");
  cmd->add_flag("--list", a->list, "Print the catalogue");
  cmd->add_option("--target", a->target,
                  "embedded, nginx, or https://host:port/ of a running gateway (default: the "
                  "entry's scenario)");
  cmd->add_option("--cacert", a->cacert, "With an https:// target: the CA of its server certificate");
  cmd->add_option("--tls", a->tls, "Only this TLS version (1.2, 1.3)");
  cmd->add_option("--scenarios", a->scenarios, "Directory of the repro scenarios (default: the shipped scenarios/repro)");
  cmd->add_option("--fixtures", a->fixtures, "Root directory for generated fixtures")->capture_default_str();
  cmd->add_option("--work", a->work, "Where target runtime files and s_client output go")->capture_default_str();
  cmd->add_flag("--no-s-client", a->no_s_client, "Do not run openssl s_client");
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
}

}  // namespace mtls::cli
