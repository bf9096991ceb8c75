// A user's nginx config rewritten for a private loopback run: only what must change does
// (listeners, server certificate, client trust and CRL when the fixture PKI stands in for the
// user's, process files, upstreams); every other directive is put back as written. Each
// change is a Change naming the user's file and line.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "userconf/nginx_syntax.hpp"
#include "userconf/rendered.hpp"

namespace mtls::userconf::nginx {

using userconf::Change;
using userconf::Listener;
using userconf::Rendered;
using userconf::translate;

// What the config says about client verification on the listener cases go to.
struct Facts {
  std::vector<Listener> listeners;  // distinct written ports, in order of appearance; port 0
  int chosen_port = 0;              // written port cases go to
  std::string verify = "off";       // ssl_verify_client of that server (or http): on, optional...
  bool crl = false;                 // an ssl_crl applies there
  std::string server_name;          // its first literal server_name; "" when none
  // Headers set from $ssl_client_* anywhere in the config; the names every server on the
  // chosen port answers to, with its ssl_verify_client.
  std::vector<userconf::IdentityHeader> identity_headers;
  std::vector<userconf::Site> sites;
};

// The listener cases go to: `wanted` ("443", or "" for the only TLS listener). Throws
// ConfigError when the config has no TLS listener, several and none wanted, or not `wanted`.
Facts facts(const Directives& config, const std::filesystem::path& main_file,
            const std::string& wanted);

struct Inputs {
  std::filesystem::path conf_dir;     // where the user's main file is (relative paths)
  std::filesystem::path runtime_dir;  // absolute
  std::string host = "127.0.0.1";     // numeric loopback address every listener binds
  std::map<int, int> ports;           // written port -> loopback port, one per Facts listener
  std::filesystem::path server_cert;  // full chain
  std::filesystem::path server_key;
  std::optional<std::filesystem::path> client_ca;  // nullopt: the user's trust as written
  std::optional<std::filesystem::path> crl;        // nullopt: the user's CRL as written
  std::string backend;   // "127.0.0.1:PORT": where every upstream goes
  std::string ocsp_url;  // the fixture OCSP responder; "" when none runs
  bool run_as_root = false;  // workers must stay root to read the runtime dir
};

// Throws ConfigError for what cannot be mapped safely: a certificate named by a variable, a
// unix-socket listener, an upstream protocol the loopback backend does not speak, a dynamic
// module, a mail block.
Rendered rewrite(const Directives& config, const Inputs& in);

}  // namespace mtls::userconf::nginx
