#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/load_or_exit.hpp"
#include "scenario/loader.hpp"
#include "target/own_config.hpp"
#include "userconf/where.hpp"

namespace mtls::cli {

std::optional<scenario::Scenario> load_or_report(const std::filesystem::path& file) {
  auto r = scenario::load_file(file);
  if (r.ok()) return std::move(r.scenario);
  for (const auto& d : r.diagnostics) std::cerr << d.to_string() << "\n";
  std::cerr << fmt::format("{}: {} error{}; nothing was run\n", file.string(),
                           r.diagnostics.size(), r.diagnostics.size() == 1 ? "" : "s");
  return std::nullopt;
}

void add_validate(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("validate", "Check a scenario file; report every error at once");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "Scenario TOML file")->required();
  cmd->callback([file, &exit_code] {
    auto s = load_or_report(*file);
    if (!s) {
      exit_code = kBadInput;
      return;
    }
    // The user's gateway config is part of the scenario: read and trial-rewritten here too,
    // so a directive the harness cannot run is found before CI starts the gateway.
    try {
      target::adopt_own_config(*s);
    } catch (const userconf::ConfigError& e) {
      std::cerr << "mtls-harness: [target] config: " << e.what() << "\n";
      exit_code = kBadInput;
      return;
    }
    fmt::print("{}: ok — scenario '{}', {} identities, {} cases, target {}{}\n", *file, s->name,
               s->identities.size(), s->cases.size(), scenario::to_string(s->target.kind),
               s->target.config.empty() ? "" : " (config " + s->target.config.filename().string() + " read)");
  });
}

}  // namespace mtls::cli
