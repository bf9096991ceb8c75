#include "target/nginx_config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include "common/files.hpp"
#include "target/launch_template.hpp"
#include "target/target.hpp"

namespace mtls::target::nginx {
namespace fs = std::filesystem;
namespace {

// Paths go into the config unquoted (templates append to them: {{runtime_dir}}/nginx.pid),
// so refuse the characters nginx's tokenizer would read as syntax.
std::string config_path(const fs::path& p, std::string_view what) {
  if (p.empty()) throw TargetError(fmt::format("nginx: fixtures have no {}", what));
  const std::string s = fs::absolute(p).lexically_normal().string();
  if (s.find_first_of(" \t\n;{}\"'$#\\") != std::string::npos)
    throw TargetError(fmt::format("nginx: {} path '{}' contains a character nginx config "
                                  "syntax uses (space ; {{ }} quotes $ # \\): move it",
                                  what, s));
  return s;
}

std::string listen_address(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string ssl_protocols(const std::vector<scenario::TlsVersion>& versions) {
  if (versions.empty()) throw TargetError("nginx: [target] tls_versions is empty");
  std::string out;
  for (auto v : versions)
    out += std::string(out.empty() ? "" : " ") +
           (v == scenario::TlsVersion::tls1_2 ? "TLSv1.2" : "TLSv1.3");
  return out;
}

// Workers of a root master switch to `nobody` unless told otherwise, and then cannot read a
// runtime dir under /root; keeping them as root is harmless for a loopback test gateway.
std::string user_directive() {
  if (::geteuid() != 0) return "# not root: workers run as the current user";
  const passwd* pw = ::getpwuid(0);
  return fmt::format("user {};  # master runs as root: workers stay root to read the runtime dir",
                     pw ? pw->pw_name : "root");
}

std::string allow_cn_entries(const scenario::Target& t) {
  std::string out;
  for (const auto& cn : t.allow.common_names)
    out += fmt::format("        {} 1;\n", map_key(rfc2253_escape(cn)));
  if (!out.empty()) out.pop_back();
  return out;
}

// Client-certificate OCSP: `leaf` asks about the client's certificate, `on` about every
// certificate of its chain. The cache keeps good answers until their nextUpdate.
std::string ssl_ocsp(const scenario::Target& t, const std::string& url) {
  if (t.ocsp == scenario::OcspCheck::off) return "# ssl_ocsp: [target] ocsp = off";
  if (url.empty()) throw TargetError("nginx: [target] ocsp is on but no OCSP responder runs");
  return fmt::format("ssl_ocsp {};\n        ssl_ocsp_responder {};\n        ssl_ocsp_cache "
                     "shared:mtls_ocsp:1m;",
                     t.ocsp == scenario::OcspCheck::leaf ? "leaf" : "on", url);
}

void check_allow_list(const scenario::Target& t) {
  if (t.nginx_template != "allow-cn") return;
  if (t.allow.common_names.empty())
    throw TargetError("nginx template allow-cn needs [target.allow] common_names: without them "
                      "every client would get 403");
  if (!t.allow.san_dns.empty() || !t.allow.san_uri.empty())
    throw TargetError("nginx template allow-cn matches common names only: nginx 1.22 has no "
                      "variable for subjectAltName, so [target.allow] san_dns/san_uri cannot be "
                      "enforced; remove them or use the embedded target");
}

}  // namespace

fs::path crl_copy(const fs::path& runtime_dir) { return runtime_dir / "crl.pem"; }

fs::path find_templates_dir(const scenario::Scenario& s) {
  // Same search as every launched gateway (MTLS_NGINX_TEMPLATES, then the shipped files).
  return launch::find_templates_dir("nginx", s);
}

std::vector<std::string> template_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".conf")
      names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

Placeholders placeholders(const scenario::Scenario& s, const pki::Fixtures& f, const Site& site) {
  const auto& t = s.target;
  check_allow_list(t);
  if (t.verify_depth < 0) throw TargetError("nginx: [target] verify_depth must be >= 0");
  const auto server_chain = f.server_fullchain.empty() ? f.server_cert : f.server_fullchain;
  return {
      {"runtime_dir", config_path(site.runtime_dir, "runtime dir")},
      {"user_directive", user_directive()},
      {"listen_address", listen_address(site.host)},
      {"port", std::to_string(site.port)},
      {"server_name", "localhost"},
      {"server_cert", config_path(server_chain, "server certificate chain")},
      {"server_key", config_path(f.server_key, "server key")},
      {"ca_bundle", config_path(f.ca_bundle, "client CA bundle")},
      {"verify_depth", std::to_string(t.verify_depth)},
      {"ssl_crl", t.crl ? "ssl_crl " + config_path(crl_copy(site.runtime_dir), "CRL copy") + ";"
                        : "# ssl_crl: [target] crl = false"},
      {"ssl_protocols", ssl_protocols(t.tls_versions)},
      {"ssl_session_cache", t.session_cache ? "shared:mtls_sessions:1m" : "off"},
      {"ssl_session_tickets", t.session_tickets ? "on" : "off"},
      {"allow_cn_entries", allow_cn_entries(t)},
      {"ssl_ocsp", ssl_ocsp(t, site.ocsp_responder_url)},
  };
}

fs::path write_config(const fs::path& dir, const std::string& name, const Placeholders& values,
                      const fs::path& runtime_dir) {
  const auto names = template_names(dir);
  if (std::find(names.begin(), names.end(), name) == names.end())
    throw TargetError(fmt::format("nginx template '{}' not found in {} (available: {})", name,
                                  dir.string(), fmt::join(names, ", ")));
  common::make_dirs(runtime_dir / "include");
  common::make_dirs(runtime_dir / "tmp");
  for (const auto& e : fs::directory_iterator(dir / "include")) {
    if (e.path().extension() != ".conf") continue;
    const auto label = "include/" + e.path().filename().string();
    common::write_file_atomic(runtime_dir / label,
                              render(common::read_file(e.path()), label, values));
  }
  const auto conf = runtime_dir / "nginx.conf";
  common::write_file_atomic(conf, render(common::read_file(dir / (name + ".conf")), name, values));
  return conf;
}

std::string rfc2253_escape(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool edge_space = c == ' ' && (i == 0 || i + 1 == value.size());
    if (c < 0x20 || c >= 0x7f)
      out += fmt::format("\\{:02X}", c);
    else if (std::string_view(",+\"\\<>;").find(static_cast<char>(c)) != std::string_view::npos ||
             edge_space || (c == '#' && i == 0))
      out += std::string("\\") + static_cast<char>(c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

std::string map_key(std::string_view dn_value) {
  std::string key(dn_value);
  // `map` reads a leading '~' as a regex and these words as parameters; a leading backslash
  // makes them literal (and map strips one leading backslash, so protect an existing one).
  static const char* const special[] = {"default", "hostnames", "include", "volatile"};
  const bool is_special = std::any_of(std::begin(special), std::end(special),
                                      [&](const char* w) { return key == w; });
  if (is_special || key.starts_with('~') || key.starts_with('\\')) key.insert(0, "\\");
  // nginx's tokenizer turns \\ into \ and \" into " everywhere.
  std::string quoted = "\"";
  for (char c : key) {
    if (c == '\\' || c == '"') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace mtls::target::nginx
