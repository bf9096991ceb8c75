// A user's HAProxy config rewritten for a private loopback run: every bind to a loopback port,
// the server certificate, client trust and CRL of each bind to the fixture PKI's (trust left as
// written when the user's CA issues the clients), pid/stats/state files to the run's
// directory, process settings HAProxy cannot keep under the harness (daemon, chroot, user),
// logs to stderr (what the harness keeps), every server to the loopback backend and every
// resolver/mailer to a closed loopback port. All else stays as written.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "userconf/haproxy_syntax.hpp"
#include "userconf/rendered.hpp"

namespace mtls::userconf::haproxy {

// What the config says about client verification on the bind cases go to.
struct Facts {
  std::vector<Listener> listeners;  // distinct written ports of every bind, in order
  int chosen_port = 0;
  std::string verify = "none";  // the bind's `verify`: required, optional, none (HAProxy's default)
  bool crl = false;             // the bind has a crl-file
  bool ca_file = false;         // the bind has a ca-file
  // http-request / http-response set-header and add-header from ssl_c_* fetches.
  std::vector<userconf::IdentityHeader> identity_headers;
};

Facts facts(const Config& config, const std::filesystem::path& main_file, const std::string& wanted);

struct Inputs {
  std::filesystem::path conf_dir;
  std::filesystem::path runtime_dir;
  std::string host = "127.0.0.1";
  std::map<int, int> ports;            // written port -> loopback port
  std::filesystem::path server_pem;    // chain + key in one file, what `crt` wants
  std::optional<std::filesystem::path> client_ca;  // nullopt: as written
  std::optional<std::filesystem::path> crl;        // nullopt: as written
  std::string backend;                 // "127.0.0.1:PORT"
  std::function<int()> free_port;      // for peers; nullptr: port 1
};

// Throws ConfigError for what cannot be mapped safely: a unix/fd/abns listener, a port range,
// a crt-list, accept-proxy, Lua, a program section.
Rendered rewrite(const Config& config, const Inputs& in);

}  // namespace mtls::userconf::haproxy
