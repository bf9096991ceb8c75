// A user's Apache httpd config rewritten for a private loopback run: Listen and VirtualHost
// addresses to loopback ports, the server certificate, client trust and CRL to the fixture
// PKI's (trust left as written when the user's CA issues the clients), ServerRoot, pid, logs,
// caches and mutexes to the run's directory, modules from this host's module directory, every
// ProxyPass / BalancerMember / proxying RewriteRule to the loopback backend. A site file
// (VirtualHosts only, as Debian's sites-available holds) gets the server-level settings a
// loopback run needs, each listed as a change. All else stays as written.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "userconf/apache_syntax.hpp"
#include "userconf/rendered.hpp"

namespace mtls::userconf::apache {

struct Facts {
  std::vector<Listener> listeners;
  int chosen_port = 0;
  std::string verify = "none";  // SSLVerifyClient of the VirtualHost cases go to (or the server's)
  bool crl = false;             // a revocation file/path there and SSLCARevocationCheck not none
  bool crl_file = false;        // a revocation file/path there, checked or not (it is swapped either way)
  std::string server_name;      // its ServerName without a port; "" when none
  // RequestHeader / Header set from SSL_CLIENT_* variables; every name (ServerName and
  // ServerAlias) of a VirtualHost on the chosen port, with its SSLVerifyClient.
  std::vector<userconf::IdentityHeader> identity_headers;
  std::vector<userconf::Site> sites;
};

Facts facts(const Directives& config, const std::filesystem::path& main_file, const std::string& wanted);

struct Inputs {
  std::filesystem::path conf_dir;     // stands for ServerRoot: relative paths resolve here
  std::filesystem::path runtime_dir;
  std::string host = "127.0.0.1";
  std::map<int, int> ports;
  std::filesystem::path server_cert;  // full chain
  std::filesystem::path server_key;
  std::optional<std::filesystem::path> client_ca;  // nullopt: as written
  std::optional<std::filesystem::path> crl;        // nullopt: as written
  std::string backend;                // "127.0.0.1:PORT"
  std::string ocsp_url;               // "" when no fixture responder runs
  std::filesystem::path modules_dir;  // this host's httpd modules
  std::vector<std::string> user_lines;  // "User nobody", "Group nogroup" when run as root
};

// Throws ConfigError for what cannot be mapped safely: an upstream protocol the loopback
// backend does not speak (fcgi, ajp, scgi, uwsgi, ftp), a proxied URL built from variables,
// a VirtualHost without a port when the config listens on several.
Rendered rewrite(const Directives& config, const Inputs& in);

}  // namespace mtls::userconf::apache
