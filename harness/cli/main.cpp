#include <openssl/crypto.h>

#include <CLI/CLI.hpp>
#include <boost/version.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "common/version.hpp"
#include "probe/probe.hpp"

namespace {

// What a bug report needs: the harness version (the string report.json carries), the
// revision it was built from, and the library versions it runs with. Boost is header-only,
// so its version is the one compiled in.
std::string version_text() {
  std::string out = "mtls-harness " + mtls::common::harness_version();
  if (const auto rev = mtls::common::git_revision(); !rev.empty())
    out += "\ngit revision " + std::string(rev);
  out += "\n" + std::string(OpenSSL_version(OPENSSL_VERSION));
  out += "\n" + mtls::probe::curl_version();  // libcurl/7.88.1 and what it links
  out += "\nBoost " + std::to_string(BOOST_VERSION / 100000) + "." +
         std::to_string(BOOST_VERSION / 100 % 1000) + "." + std::to_string(BOOST_VERSION % 100);
  return out;
}

}  // namespace
#include "common/signals.hpp"

int main(int argc, char** argv) {
  CLI::App app{"mtls-harness: prove an mTLS gateway accepts and refuses the client "
               "certificates its configuration claims, and measure what mTLS costs."};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  int exit_code = mtls::cli::kOk;
  mtls::cli::add_validate(app, exit_code);
  mtls::cli::add_pki(app, exit_code);
  mtls::cli::add_run(app, exit_code);
  mtls::cli::add_serve(app, exit_code);
  mtls::cli::add_backend(app, exit_code);
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
