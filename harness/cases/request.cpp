#include "cases/request.hpp"

#include "report/model/backend_seen.hpp"

#include <atomic>
#include <fmt/core.h>
#include <stdexcept>
#include <unistd.h>

namespace mtls::cases {

std::string next_request_id() {
  static std::atomic<unsigned> n{0};
  return fmt::format("{}-{}", ::getpid(), ++n);
}

probe::Request request_for(const scenario::Case& c, const pki::Fixtures& f,
                           const target::Endpoint& ep, scenario::TlsVersion v, long timeout_ms,
                           const std::string& request_id) {
  probe::Request r;
  r.headers.push_back(fmt::format("{}: {}", report::kRequestIdHeader, request_id));
  for (const auto& [name, value] : c.headers) r.headers.push_back(name + ": " + value);
  if (!c.host.empty()) r.headers.push_back("Host: " + c.host);
  r.url = ep.url(c.path);
  r.connect_host = ep.host;
  r.connect_port = ep.port;
  r.trust = ep.trust.string();
  r.version = v;
  r.timeout_ms = timeout_ms;
  if (!scenario::sends_no_certificate(c.identity)) {
    const auto* files = f.find(c.identity);
    if (!files) throw std::runtime_error("case " + c.name + ": no fixture files for identity " + c.identity);
    r.client = tlsclient::credentials_for(*files);
  }
  return r;
}

}  // namespace mtls::cases
