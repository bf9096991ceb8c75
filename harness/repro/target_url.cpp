#include "repro/target_url.hpp"

#include <stdexcept>

#include "common/https_url.hpp"

namespace mtls::repro {

target::Endpoint endpoint_from_url(const std::string& url, const std::filesystem::path& cacert) {
  const auto parsed = common::parse_https_url(url);
  if (!parsed.url)
    throw std::runtime_error("'" + url + "' is not a usable https URL: it " + parsed.problem +
                             " (expected https://host[:port][/path])");
  target::Endpoint ep;
  ep.host = parsed.url->host;
  ep.port = parsed.url->port;
  ep.base_path = parsed.url->path;
  ep.server_name = ep.host;
  ep.trust = cacert;
  return ep;
}

}  // namespace mtls::repro
