#include "repro/target_url.hpp"

#include <stdexcept>

namespace mtls::repro {

target::Endpoint endpoint_from_url(const std::string& url, const std::filesystem::path& cacert) {
  const std::string scheme = "https://";
  auto bad = [&](const std::string& why) {
    return std::runtime_error("'" + url + "' is not a usable https URL: " + why +
                              " (expected https://host[:port][/path])");
  };
  if (url.rfind(scheme, 0) != 0) throw bad("it must start with https://");
  std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  target::Endpoint ep;
  ep.base_path = slash == std::string::npos ? "" : rest.substr(slash);
  std::string authority = rest.substr(0, slash);
  std::string port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) throw bad("unclosed [ in the host");
    ep.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw bad("junk after ]");
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    ep.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (ep.host.empty()) throw bad("no host");
  ep.port = 443;
  if (!port_text.empty()) {
    if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5)
      throw bad("the port is not a number");
    ep.port = std::stoi(port_text);
    if (ep.port < 1 || ep.port > 65535) throw bad("the port is out of range");
  }
  ep.server_name = ep.host;
  ep.trust = cacert;
  return ep;
}

}  // namespace mtls::repro
