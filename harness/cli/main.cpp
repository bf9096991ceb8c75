#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/commands.hpp"
#include "common/signals.hpp"

int main(int argc, char** argv) {
  CLI::App app{"mtls-harness: prove an mTLS gateway accepts and refuses the client "
               "certificates its configuration claims, and measure what mTLS costs."};
  app.set_version_flag("--version", std::string("mtls-harness ") + MTLS_HARNESS_VERSION);
  app.require_subcommand(1);
  int exit_code = mtls::cli::kOk;
  mtls::cli::add_validate(app, exit_code);
  mtls::cli::add_pki(app, exit_code);
  mtls::cli::add_run(app, exit_code);
  mtls::cli::add_serve(app, exit_code);
  mtls::cli::add_repro(app, exit_code);
  mtls::cli::add_diagnose(app, exit_code);
  mtls::cli::add_merge(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : mtls::cli::kBadInput;
  } catch (const mtls::common::Interrupted& e) {
    std::cerr << "mtls-harness: " << e.what() << "\n";
    return mtls::cli::kInterrupted;
  } catch (const std::exception& e) {
    std::cerr << "mtls-harness: " << e.what() << "\n";
    return mtls::cli::kBadInput;
  }
  return exit_code;
}
