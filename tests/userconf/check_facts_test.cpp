// What the built-in checks learn from a config, one row per gateway and construct: the headers
// it sets from the client certificate (to the backend or on the answer, with their line), and
// the names its TLS port serves with whether each requires a certificate.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "userconf/apache_rewrite.hpp"
#include "userconf/caddy_rewrite.hpp"
#include "userconf/haproxy_rewrite.hpp"
#include "userconf/nginx_rewrite.hpp"

using namespace mtls;

namespace {

struct Learned {
  std::vector<userconf::IdentityHeader> headers;
  std::vector<userconf::Site> sites;
};

Learned learn(const std::string& gateway, const std::string& text) {
  if (gateway == "nginx") {
    auto f = userconf::nginx::facts(userconf::nginx::parse_text(text, "c"), "c", "");
    return {f.identity_headers, f.sites};
  }
  if (gateway == "haproxy") {
    auto f = userconf::haproxy::facts(userconf::haproxy::parse_text(text, "c"), "c", "");
    return {f.identity_headers, {}};
  }
  if (gateway == "apache") {
    auto f = userconf::apache::facts(userconf::apache::parse_text(text, "c"), "c", "");
    return {f.identity_headers, f.sites};
  }
  auto f = userconf::caddy::facts(userconf::caddy::parse_text(text, "c"), "c", "");
  return {f.identity_headers, f.sites};
}

// "X-Client-DN>backend@3" / "X-Client-DN>answer@5", "internal.example:required".
std::string shown(const Learned& l) {
  std::string out;
  for (const auto& h : l.headers)
    out += fmt::format("{}>{}@{} ", h.name, h.to_backend ? "backend" : "answer", h.where.line);
  for (const auto& s : l.sites) out += fmt::format("{}:{} ", s.name, s.requires_certificate ? "required" : "open");
  if (!out.empty()) out.pop_back();
  return out;
}

struct Row {
  const char* gateway;
  const char* config;
  const char* learned;
};

const Row kRows[] = {
    // nginx: proxy_set_header from $ssl_client_* goes to the backend, add_header is the answer;
    // a header not from the certificate is none of the checks' business.
    {"nginx",
     "server {\n listen 443 ssl;\n server_name api.example;\n ssl_verify_client on;\n"
     " location / {\n  proxy_set_header X-Client-DN $ssl_client_s_dn;\n  add_header X-Client-Verify $ssl_client_verify;\n"
     "  proxy_set_header Connection \"\";\n  proxy_pass http://b;\n }\n}\n",
     "X-Client-DN>backend@6 X-Client-Verify>answer@7 api.example:required"},
    // Two servers on one port: the open one and the protected one; ssl_verify_client from http.
    {"nginx",
     "http {\n ssl_verify_client optional;\n server { listen 443 ssl; server_name public.example; ssl_verify_client off; }\n"
     " server { listen 443 ssl; server_name internal.example *.wild; }\n server { listen 8080; server_name other; }\n}\n",
     "public.example:open internal.example:open"},
    {"nginx",
     "server { listen 443 ssl; server_name a.example; ssl_verify_client on; }\n"
     "server { listen 443 ssl; server_name b.example; }\n",
     "a.example:required b.example:open"},
    {"haproxy",
     "frontend fe\n bind :443 ssl crt /a.pem verify required ca-file /ca.pem\n"
     " http-request set-header X-Client-DN %{+Q}[ssl_c_s_dn]\n http-request add-header X-Client-Serial %[ssl_c_serial,hex]\n"
     " http-response set-header X-Client-DN %[ssl_c_s_dn]\n http-request set-header X-Forwarded-Proto https\n",
     "X-Client-DN>backend@3 X-Client-Serial>backend@4 X-Client-DN>answer@5"},
    {"apache",
     "Listen 443 https\n<VirtualHost *:443>\n SSLEngine on\n ServerName api.example:443\n ServerAlias alt.example\n"
     " SSLVerifyClient require\n RequestHeader set X-Client-DN \"%{SSL_CLIENT_S_DN}s\"\n"
     " Header always set X-Client-Verify \"%{SSL_CLIENT_VERIFY}s\"\n RequestHeader set X-Other \"x\"\n</VirtualHost>\n"
     "<VirtualHost *:443>\n SSLEngine on\n ServerName public.example\n</VirtualHost>\n",
     "X-Client-DN>backend@7 X-Client-Verify>answer@8 api.example:required alt.example:required public.example:open"},
    {"caddy",
     "internal.example {\n tls /c /k {\n  client_auth {\n   mode require_and_verify\n   trusted_ca_cert_file /ca\n  }\n }\n"
     " header X-Client-DN {http.request.tls.client.subject}\n reverse_proxy 10.0.0.1:80 {\n"
     "  header_up X-Client-DN {http.request.tls.client.subject}\n  header_up X-Real-IP {remote_host}\n }\n}\n"
     "public.example {\n tls /c /k\n respond \"hi\"\n}\n",
     "X-Client-DN>answer@8 X-Client-DN>backend@10 internal.example:required public.example:open"},
    // client_auth `require` asks for a certificate but verifies nothing: not protected.
    {"caddy", "a.example {\n tls /c /k {\n  client_auth {\n   mode require\n  }\n }\n}\n", "a.example:open"},
};

}  // namespace

TEST_CASE("check facts: identity headers and names per port, from each gateway's config") {
  for (const auto& r : kRows) {
    INFO(r.gateway << ":\n" << r.config);
    CHECK(shown(learn(r.gateway, r.config)) == r.learned);
  }
}
