#include "target/launch_values.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "target/target.hpp"

namespace mtls::target::launch {

Placeholders common_values(std::string_view gateway, const scenario::Scenario& s,
                           const pki::Fixtures& f, const Site& site, std::string_view forbidden) {
  const auto& t = s.target;
  const auto path = [&](const std::filesystem::path& p, std::string_view what) {
    return config_path(p, gateway, what, forbidden);
  };
  const bool v6 = site.host.find(':') != std::string::npos;
  return {
      {"runtime_dir", path(site.runtime_dir, "runtime dir")},
      {"listen_address", v6 ? "[" + site.host + "]" : site.host},
      {"bind_host", site.host},
      {"port", std::to_string(site.port)},
      {"server_name", "localhost"},
      {"server_cert", path(f.server_fullchain.empty() ? f.server_cert : f.server_fullchain,
                           "server certificate chain")},
      {"server_key", path(f.server_key, "server key")},
      {"ca_bundle", path(f.ca_bundle, "client CA bundle")},
      {"crl_bundle", path(f.crl_bundle, "CRL bundle")},
      {"verify_depth", std::to_string(t.verify_depth)},
  };
}

scenario::TlsVersion min_version(std::string_view gateway, const scenario::Target& t) {
  if (t.tls_versions.empty()) throw TargetError(fmt::format("{}: [target] tls_versions is empty", gateway));
  return *std::min_element(t.tls_versions.begin(), t.tls_versions.end());
}

scenario::TlsVersion max_version(std::string_view gateway, const scenario::Target& t) {
  if (t.tls_versions.empty()) throw TargetError(fmt::format("{}: [target] tls_versions is empty", gateway));
  return *std::max_element(t.tls_versions.begin(), t.tls_versions.end());
}

void check_cn_allow_list(std::string_view gateway, const scenario::Target& t,
                         std::string_view forbidden) {
  if (!t.allow.san_dns.empty() || !t.allow.san_uri.empty())
    throw TargetError(fmt::format("{} templates match [target.allow] common_names only: "
                                  "san_dns/san_uri cannot be enforced here; remove them or use "
                                  "the embedded target",
                                  gateway));
  for (const auto& cn : t.allow.common_names)
    if (cn.empty() || cn.find_first_of(forbidden) != std::string::npos)
      throw TargetError(fmt::format("{}: allowed common name '{}' is empty or holds a character "
                                    "its config cannot quote (one of: {})",
                                    gateway, cn, forbidden));
}

}  // namespace mtls::target::launch
