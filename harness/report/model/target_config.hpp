// What a harness run changed in the user's own gateway config to run it privately on
// loopback: where the config came from, where the rendered copy is, which loopback port each
// listener got, and one record per changed directive, named by the user's file and line.
#pragma once

#include <string>
#include <vector>

namespace mtls::report {

struct ListenerRecord {
  int written_port = 0;  // as the config says: 443
  int port = 0;          // on loopback in this run
  bool tls = false;
  bool cases = false;    // the one cases and load phases go to
};

struct ConfigChangeRecord {
  std::string where;      // "deploy/nginx/api.conf:7"
  std::string directive;  // "ssl_client_certificate"
  std::string from;       // as written; "" when the harness added the directive
  std::string to;         // now; "" when the harness removed it
  std::string text;       // the one line the terminal prints
};

struct TargetConfig {
  std::string source;    // the user's config file
  std::string rendered;  // the copy the gateway ran, in the run's runtime directory
  std::string trust;     // "fixture PKI" or "as written"
  std::vector<ListenerRecord> listeners;
  std::vector<ConfigChangeRecord> changes;
};

}  // namespace mtls::report
