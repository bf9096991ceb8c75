#include "target/target.hpp"

namespace mtls::target {

std::string Endpoint::url(const std::string& path) const {
  std::string p = base_path;
  if (!p.empty() && p.back() == '/' && !path.empty() && path.front() == '/') p.pop_back();
  return "https://" + server_name + ":" + std::to_string(port) + p + path;
}

std::unique_ptr<RunningTarget> start(const scenario::Scenario& s, const pki::Fixtures& f,
                                     const StartOptions& opts) {
  switch (s.target.kind) {
    case scenario::TargetKind::embedded: return start_embedded(s, f, opts);
    case scenario::TargetKind::nginx: return start_nginx(s, f, opts);
    case scenario::TargetKind::external: return connect_external(s, f);
  }
  throw TargetError("unknown target kind");
}

}  // namespace mtls::target
