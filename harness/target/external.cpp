#include <regex>

#include "target/target.hpp"

namespace mtls::target {
namespace {

class ExternalTarget final : public RunningTarget {
 public:
  ExternalTarget(Endpoint ep, std::string url) : ep_(std::move(ep)), url_(std::move(url)) {}
  Endpoint endpoint() const override { return ep_; }
  std::string describe() const override { return "external " + url_; }
  void stop() override {}

 private:
  Endpoint ep_;
  std::string url_;
};

}  // namespace

std::unique_ptr<RunningTarget> connect_external(const scenario::Scenario& s,
                                                const pki::Fixtures&) {
  // https://host[:port][/path]; host may be [v6].
  static const std::regex re(R"(^https://(\[[0-9A-Fa-f:.]+\]|[^/:]+)(?::(\d+))?(/.*)?$)");
  std::smatch m;
  if (!std::regex_match(s.target.url, m, re))
    throw TargetError("target.url '" + s.target.url + "' is not https://host[:port][/path]");
  Endpoint ep;
  std::string host = m[1].str();
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  ep.host = host;
  ep.port = m[2].matched ? std::stoi(m[2].str()) : 443;
  ep.base_path = m[3].matched ? m[3].str() : "";
  if (ep.base_path == "/") ep.base_path.clear();
  ep.server_name = s.target.server_name.empty() ? host : s.target.server_name;
  ep.trust = s.target.ca_file;
  return std::make_unique<ExternalTarget>(ep, s.target.url);
}

}  // namespace mtls::target
