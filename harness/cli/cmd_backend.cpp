// `mtls-harness backend --listen 127.0.0.1:9000`: the recording backend alone, for a gateway
// the harness did not launch. Point its upstream here; every request that arrives is printed
// as one JSON line (method, path, source, every header as received), so what the gateway
// forwards — the identity it verified, or a client's forged copy — can be read, diffed or
// kept. Loopback only, bounded like the run's own backend, until Ctrl-C.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fmt/core.h>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.hpp"
#include "common/signals.hpp"
#include "target/loopback_backend.hpp"
#include "target/target.hpp"

namespace mtls::cli {
namespace {

// "127.0.0.1:9000", "[::1]:9000", ":9000" (loopback); nullopt with `why` otherwise.
std::optional<target::BackendOptions> parse_listen(const std::string& text, std::string& why) {
  target::BackendOptions o;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    why = "write ADDRESS:PORT, e.g. 127.0.0.1:9000";
    return std::nullopt;
  }
  auto host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  o.host = host.empty() ? "127.0.0.1" : host;
  if (o.host != "127.0.0.1" && o.host != "::1" && o.host != "localhost") {
    why = fmt::format("'{}' is not loopback: the backend records every header it gets, so it listens on 127.0.0.1 "
                      "or ::1 only",
                      o.host);
    return std::nullopt;
  }
  if (o.host == "localhost") o.host = "127.0.0.1";
  try {
    std::size_t used = 0;
    o.port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || o.port < 1 || o.port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    why = fmt::format("'{}' is not a port from 1 to 65535", text.substr(colon + 1));
    return std::nullopt;
  }
  return o;
}

nlohmann::json as_json(const report::BackendSeen& s) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [n, v] : s.headers) headers.push_back({{"name", n}, {"value", v}});
  return {{"method", s.method}, {"path", s.path}, {"source", s.source}, {"headers", headers}};
}

}  // namespace

void add_backend(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "backend", "Run the recording backend alone: print every request a gateway forwards to it, until Ctrl-C");
  auto listen = std::make_shared<std::string>("127.0.0.1:9000");
  cmd->add_option("--listen", *listen, "Loopback ADDRESS:PORT to listen on")->capture_default_str();
  cmd->callback([listen, &exit_code] {
    std::string why;
    auto options = parse_listen(*listen, why);
    if (!options) {
      std::cerr << "mtls-harness backend: --listen " << *listen << ": " << why << "\n";
      exit_code = kBadInput;
      return;
    }
    const auto& stop = common::install_stop_handlers();
    auto out = std::make_shared<std::mutex>();
    options->on_request = [out](const report::BackendSeen& s) {
      std::lock_guard lock(*out);
      std::cout << as_json(s).dump() << std::endl;  // one line per request, flushed: piped to a file or jq
    };
    std::unique_ptr<target::LoopbackBackend> backend;
    try {
      backend = std::make_unique<target::LoopbackBackend>(std::move(*options));
    } catch (const std::exception& e) {
      std::cerr << "mtls-harness backend: " << e.what() << "\n";
      exit_code = kTargetUnavailable;
      return;
    }
    std::cerr << fmt::format("recording backend on http://{} — point the gateway's upstream here; Ctrl-C stops it\n",
                             backend->address());
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    backend->stop();
    const auto c = backend->counters();
    std::cerr << fmt::format("{} request(s) on {} connection(s)\n", c.requests, c.connections);
    exit_code = kOk;
  });
}

}  // namespace mtls::cli
