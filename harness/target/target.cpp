#include "target/target.hpp"

namespace mtls::target {

std::string Endpoint::url(const std::string& path) const {
  std::string p = base_path;
  if (!p.empty() && p.back() == '/' && !path.empty() && path.front() == '/') p.pop_back();
  const std::string host =
      server_name.find(':') != std::string::npos ? "[" + server_name + "]" : server_name;
  return "https://" + host + ":" + std::to_string(port) + p + path;
}

std::unique_ptr<RunningTarget> start(const scenario::Scenario& s, const pki::Fixtures& f,
                                     const StartOptions& opts) {
  switch (s.target.kind) {
    case scenario::TargetKind::embedded: return start_embedded(s, f, opts);
    case scenario::TargetKind::nginx: return start_nginx(s, f, opts);
    case scenario::TargetKind::external: return connect_external(s, f);
    case scenario::TargetKind::haproxy: return start_haproxy(s, f, opts);
    case scenario::TargetKind::apache: return start_apache(s, f, opts);
    case scenario::TargetKind::caddy: return start_caddy(s, f, opts);
  }
  throw TargetError("unknown target kind");
}

}  // namespace mtls::target
