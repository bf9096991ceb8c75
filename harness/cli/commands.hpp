// Each subcommand registers itself on the CLI11 app; main() only dispatches.
#pragma once

namespace CLI {
class App;
}

namespace mtls::cli {

// Exit codes shared by every subcommand (README "Exit codes").
enum ExitCode : int {
  kOk = 0,
  kExpectationFailed = 1,
  kBadInput = 2,
  kTargetUnavailable = 3,
  kInterrupted = 130,
};

void add_validate(CLI::App& app, int& exit_code);
void add_pki(CLI::App& app, int& exit_code);
void add_run(CLI::App& app, int& exit_code);
void add_serve(CLI::App& app, int& exit_code);
void add_backend(CLI::App& app, int& exit_code);  // the recording backend alone
void add_repro(CLI::App& app, int& exit_code);
void add_diagnose(CLI::App& app, int& exit_code);
void add_merge(CLI::App& app, int& exit_code);

}  // namespace mtls::cli
