#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/load_or_exit.hpp"
#include "common/signals.hpp"
#include "pki/fixtures.hpp"
#include "pki/preflight.hpp"

namespace mtls::cli {

void add_pki(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("pki", "Generate the scenario's fixture PKI under fixtures/<scenario>/");
  struct Args {
    std::string file;
    std::string fixtures = "fixtures";
    bool force = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("FILE", a->file, "Scenario TOML file")->required();
  cmd->add_option("--fixtures", a->fixtures, "Root directory for generated fixtures")
      ->capture_default_str();
  cmd->add_flag("--force", a->force, "Regenerate the CAs even if the [pki] section is unchanged");
  cmd->callback([a, &exit_code] {
    // Ctrl-C stops the generation within moments and keeps the previous set (exit 130).
    common::install_stop_handlers();
    auto s = load_or_report(a->file);
    if (!s) {
      exit_code = kBadInput;
      return;
    }
    pki::Options opts;
    opts.fixtures_root = a->fixtures;
    opts.force = a->force;
    auto f = pki::materialize(*s, opts);
    if (!pki::preflight_or_report(f, std::cerr)) {
      exit_code = kBadInput;
      return;
    }
    fmt::print("{} ({}): CA {}, {} identities\n", f.dir.string(), s->name,
               f.ca_reused ? "reused (pki section unchanged)" : "generated", f.identities.size());
    fmt::print("  trust (ca bundle)  {}\n  crls               {}\n  server chain       {}\n",
               f.ca_bundle.string(), f.crl_bundle.string(), f.server_fullchain.string());
    for (const auto& i : f.identities) {
      fmt::print("  {:<22} {:<21} {:<44} expect {}\n", i.name, scenario::to_string(i.fault),
                 i.cert.string(),
                 i.expected_verify_error == 0 ? "X509_V_OK" : i.expected_verify_error_name);
    }
    fmt::print("  manifest           {}\n", f.manifest.string());
  });
}

}  // namespace mtls::cli
