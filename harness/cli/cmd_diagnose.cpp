// `mtls-harness diagnose --url ... --cert ... --key ...`: why is this client refused?
// Exit 0 accepted, 1 refused, 2 bad usage or unreadable files, 3 unreachable.
#include <sstream>
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/printable.hpp"
#include "cli/commands.hpp"
#include "diagnose/diagnose.hpp"
#include "diagnose/render.hpp"

namespace mtls::cli {

void add_diagnose(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "diagnose", "Connect to a live gateway with a client certificate and explain why it is "
                  "refused; exit 0 accepted, 1 refused, 3 unreachable");
  auto o = std::make_shared<diagnose::Options>();
  cmd->add_option("--url", o->url, "https://host:port/path of the gateway")->required();
  cmd->add_option("--cert", o->cert, "Client certificate (PEM or DER; PEM may hold the chain after the leaf)")
      ->required();
  cmd->add_option("--key", o->key, "Its private key (PEM or DER)")->required();
  cmd->add_option("--chain", o->chain, "More intermediates the client sends (PEM)");
  cmd->add_option("--cacert", o->cacert, "CA of the server certificate (default: system store)");
  cmd->add_option("--servername", o->server_name,
                  "Server name (SNI and certificate check) when the URL names an address");
  cmd->add_option("--key-password-env", o->key_password_env,
                  "Environment variable holding the passphrase of an encrypted --key (never prompted)");
  cmd->add_option("--timeout-ms", o->timeout_ms, "Per-connection timeout")->capture_default_str();
  cmd->callback([o, &exit_code] {
    try {
      const auto d = diagnose::diagnose(*o);
      std::ostringstream text;  // a gateway's answer is not ours to trust on a terminal
      diagnose::print_diagnosis(d, *o, text);
      std::cout << common::printable_lines(text.str());
      exit_code = d.exit_code;
    } catch (const std::exception& e) {
      std::cerr << "mtls-harness diagnose: " << e.what() << "\n";
      exit_code = kBadInput;
    }
  });
}

}  // namespace mtls::cli
