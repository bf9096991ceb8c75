// A user's Caddyfile rewritten for a private loopback run, before `caddy adapt` (which already
// opens the certificate files it names): every site address keeps its host (Caddy matches TLS
// policies, client_auth included, by SNI) and moves to a loopback port with `bind`; `tls` uses
// the fixture server certificate (never ACME or the internal CA), client_auth's trusted CAs the
// fixture PKI's (kept as written when the user's CA issues the clients); the admin endpoint,
// automatic HTTPS, storage and file logs go to the run; every reverse_proxy upstream to the
// loopback backend (over plain HTTP). All else stays as written.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "userconf/caddy_syntax.hpp"
#include "userconf/rendered.hpp"

namespace mtls::userconf::caddy {

struct Facts {
  std::vector<Listener> listeners;
  int chosen_port = 0;
  std::string mode;         // client_auth mode of the site cases go to; "" without client_auth
  std::string server_name;  // its first literal host; "" for an address without one
  // header_up / header from the client's certificate placeholders; every literal host of a
  // TLS site on the chosen port, with its client_auth mode.
  std::vector<userconf::IdentityHeader> identity_headers;
  std::vector<userconf::Site> sites;
};

Facts facts(const Statements& config, const std::filesystem::path& main_file, const std::string& wanted);

struct Inputs {
  std::filesystem::path conf_dir;
  std::filesystem::path runtime_dir;
  std::string host = "127.0.0.1";
  std::map<int, int> ports;
  std::filesystem::path server_cert;  // full chain
  std::filesystem::path server_key;
  std::optional<std::filesystem::path> client_ca;  // nullopt: as written
  std::string backend;                // "127.0.0.1:PORT"
};

// Throws ConfigError for what cannot be mapped safely: a fastcgi or dynamic upstream, an
// address from an environment variable, a unix or wildcard-port address.
Rendered rewrite(const Statements& config, const Inputs& in);

}  // namespace mtls::userconf::caddy
