// What every gateway's rewrite produces: the text the gateway runs, where each of its lines
// came from in the user's files, and one Change per directive that differs from what the user
// wrote. Gateway-neutral, so the terminal, report.json and message translation treat nginx,
// HAProxy and Apache alike.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "userconf/where.hpp"

namespace mtls::userconf {

struct Change {
  Where where;
  std::string directive;
  std::string from;  // the arguments as written ("" for a directive the rewrite added)
  std::string to;    // the arguments now ("" for a directive the rewrite removed)
  std::string label() const;  // "api.conf:7 ssl_client_certificate /etc/x.crt → /run/.../ca.pem"
};

// A port the config listens on and the loopback port it listens on in this run.
struct Listener {
  int written_port = 0;  // 443 for "listen [::]:443 ssl"
  int port = 0;          // on loopback
  bool ssl = false;
  Where where;  // the first directive naming it
};

// A header the config sets from the client's certificate (what the backend trusts).
struct IdentityHeader {
  std::string name;        // "X-Client-DN"
  bool to_backend = true;  // set on the proxied request; false: on the response only
  Where where;
  std::string text;        // the directive as written: "proxy_set_header X-Client-DN $ssl_client_s_dn"
};

// A literal name served on the listener cases go to, with what it asks of clients.
struct Site {
  std::string name;
  std::string verify;                 // as written: "on", "optional", "off", "require_and_verify"
  bool requires_certificate = false;  // a client without a valid certificate is refused there
  Where where;
};

// Adds `h` unless a header of that name and direction is listed already.
void add_identity_header(std::vector<IdentityHeader>& list, IdentityHeader h);

struct Rendered {
  std::string text;
  std::vector<Where> origin;  // origin[i]: where rendered line i+1 came from
  std::vector<Change> changes;
};

// The gateway's message with every "<rendered file>:N" (nginx) or "[<rendered file>:N]"
// (HAProxy, Apache) replaced by the user's file:line.
std::string translate(std::string message, const std::filesystem::path& rendered_file,
                      const Rendered& r);

// Which listener cases go to: `wanted` ("443", or "" for the only TLS one). Throws ConfigError
// naming `main_file` when there is no TLS listener, several and none wanted, or not `wanted`.
// `hint` is what to write to get a TLS listener in this gateway's syntax.
int choose_listener(const std::vector<Listener>& listeners, const std::string& wanted,
                    const std::filesystem::path& main_file, const std::string& hint);

}  // namespace mtls::userconf
