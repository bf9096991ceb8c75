// Placeholder values every launched gateway's templates need, computed once from the scenario
// and the fixtures; each gateway adds what only its syntax needs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"
#include "target/launch_template.hpp"

namespace mtls::target::launch {

// Where one launched gateway listens and keeps its files.
struct Site {
  std::string host = "127.0.0.1";  // numeric address
  int port = 0;
  std::filesystem::path runtime_dir;  // absolute
  std::string ocsp_responder_url;     // [target] ocsp on, for a gateway that asks: else empty
};

// runtime_dir, listen_address (v6 in brackets), bind_host, port, server_name, server_cert
// (full chain), server_key, ca_bundle, crl_bundle, verify_depth; paths checked against
// `forbidden` characters of the gateway's syntax.
Placeholders common_values(std::string_view gateway, const scenario::Scenario& s,
                           const pki::Fixtures& f, const Site& site, std::string_view forbidden);

// Lowest and highest TLS version of [target] tls_versions; TargetError when it is empty.
scenario::TlsVersion min_version(std::string_view gateway, const scenario::Target& t);
scenario::TlsVersion max_version(std::string_view gateway, const scenario::Target& t);

// The gateways here match allow-lists on the subject CN only: TargetError naming the gateway
// when [target.allow] has SAN entries, or a CN holding one of `forbidden`.
void check_cn_allow_list(std::string_view gateway, const scenario::Target& t,
                         std::string_view forbidden);

}  // namespace mtls::target::launch
