// Turns a scenario's [target] into a rendered nginx config: the placeholder values, where the
// templates live, and the files written into the runtime dir.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"
#include "target/launch_values.hpp"
#include "target/nginx_template.hpp"

namespace mtls::target::nginx {

// Where one launched nginx listens and keeps its files, and where it asks for OCSP.
using Site = launch::Site;

// nginx reads its CRLs from a copy in the runtime dir, so a CRL pushed to a running nginx
// (RunningTarget::replace_crls) never touches the fixture set other runs reuse.
std::filesystem::path crl_copy(const std::filesystem::path& runtime_dir);

// fixtures/nginx/: $MTLS_NGINX_TEMPLATES, else $MTLS_SOURCE_ROOT/fixtures/nginx, else
// ./fixtures/nginx, else beside the scenario's folder (scenarios/x.toml -> fixtures/nginx).
// Throws TargetError listing the places tried.
std::filesystem::path find_templates_dir(const scenario::Scenario& s);

// Template names available in `dir` (its *.conf files), sorted.
std::vector<std::string> template_names(const std::filesystem::path& dir);

// Every placeholder a template may use. Throws TargetError when the scenario asks for
// something the template cannot express (e.g. allow-cn without common names).
Placeholders placeholders(const scenario::Scenario& s, const pki::Fixtures& f, const Site& site);

// Renders <dir>/include/*.conf into <runtime_dir>/include/ and <dir>/<name>.conf into
// <runtime_dir>/nginx.conf; returns the latter.
std::filesystem::path write_config(const std::filesystem::path& dir, const std::string& name,
                                   const Placeholders& values,
                                   const std::filesystem::path& runtime_dir);

// A common name as nginx's $ssl_client_s_dn spells it (RFC 2253 escaping, non-ASCII bytes as
// \XX, like OpenSSL's XN_FLAG_RFC2253), then quoted as a literal `map` key.
std::string rfc2253_escape(std::string_view value);
std::string map_key(std::string_view dn_value);

}  // namespace mtls::target::nginx
