// `mtls-harness serve FILE`: the embedded target in the foreground, for trying clients by hand.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fmt/core.h>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/load_or_exit.hpp"
#include "common/signals.hpp"
#include "pki/fixtures.hpp"
#include "target/target.hpp"

namespace mtls::cli {

void add_serve(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("serve", "Run the scenario's embedded mTLS target until Ctrl-C");
  struct Args {
    std::string file;
    std::string fixtures = "fixtures";
    std::string host = "127.0.0.1";
    int port = 8443;
    int threads = 1;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("FILE", a->file, "Scenario TOML file")->required();
  cmd->add_option("--fixtures", a->fixtures, "Root directory for generated fixtures")->capture_default_str();
  cmd->add_option("--host", a->host, "Address to listen on (loopback by default)")->capture_default_str();
  cmd->add_option("--port", a->port, "Port (0: any free port)")->capture_default_str();
  cmd->add_option("--threads", a->threads, "Worker threads")->capture_default_str()->check(CLI::Range(1, 256));
  cmd->callback([a, &exit_code] {
    const auto& stop = common::install_stop_handlers();
    auto s = load_or_report(a->file);
    if (!s) {
      exit_code = kBadInput;
      return;
    }
    pki::Options popts;
    popts.fixtures_root = a->fixtures;
    auto f = pki::materialize(*s, popts);
    target::StartOptions topts;
    topts.host = a->host;
    topts.port = a->port;
    topts.threads = a->threads;
    std::unique_ptr<target::RunningTarget> t;
    try {
      t = target::start_embedded(*s, f, topts);
    } catch (const std::exception& e) {
      std::cerr << "mtls-harness: cannot start the embedded target: " << e.what() << "\n";
      exit_code = kTargetUnavailable;
      return;
    }
    auto ep = t->endpoint();
    fmt::print("{} listening on {}:{} — {}\n", t->describe(), ep.host, ep.port, ep.url("/"));
    if (const auto* id = f.identities.empty() ? nullptr : &f.identities.front())
      fmt::print("try:  curl --cacert {} --cert {} --key {} --resolve {}:{}:{} {}\n",
                 f.server_trust.string(), id->fullchain.string(), id->key.string(),
                 ep.server_name, ep.port, ep.host, ep.url("/"));
    fmt::print("Ctrl-C stops it.\n");
    std::fflush(stdout);
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    t->stop();
    exit_code = kOk;
  });
}

}  // namespace mtls::cli
