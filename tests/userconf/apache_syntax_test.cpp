// Apache httpd config syntax and the loopback rewrite as tables: what httpd's reader takes
// (continuations, quotes, sections, case-insensitive names, Include globs), what the rewrite
// changes and keeps, what the VirtualHost cases go to says about client verification, and the
// exact error for what cannot be mapped.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "userconf/apache_rewrite.hpp"
#include "userconf/apache_syntax.hpp"

using namespace mtls::userconf;
using namespace mtls::userconf::apache;
namespace fs = std::filesystem;

namespace {

std::string shape(const Directives& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (d.name.empty()) continue;
    out += (out.empty() ? "" : " ; ") + d.name;
    for (const auto& a : d.args) out += "|" + a.value;
    if (d.section) out += "{" + shape(d.block) + "}";
  }
  return out;
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

Inputs loopback_inputs() {
  Inputs in;
  in.conf_dir = "/etc/apache2";
  in.runtime_dir = "/run/a";
  in.ports = {{443, 40443}};
  in.server_cert = "/fx/fullchain.pem";
  in.server_key = "/fx/key.pem";
  in.client_ca = "/fx/ca.pem";
  in.crl = "/run/a/crl.pem";
  in.backend = "127.0.0.1:9000";
  in.modules_dir = "/nonexistent-modules";
  return in;
}

std::string rendered(const std::string& text, const Inputs& in = loopback_inputs()) {
  return rewrite(parse_text(text, "a.conf"), in).text;
}

const char* kVhost = "<VirtualHost *:443>\n  SSLEngine on\n%s</VirtualHost>\n";

std::string vhost(const std::string& inner) {
  std::string s = kVhost;
  return s.replace(s.find("%s"), 2, inner);
}

}  // namespace

TEST_CASE("apache syntax: directives, continuations, quotes, sections") {
  struct Row { const char* text; const char* shape; };
  const Row rows[] = {
      {"Listen 443\n", "Listen|443"},
      {"# a comment\n\nServerName a\n", "ServerName|a"},
      {"RequestHeader set X \"%{SSL_CLIENT_S_DN}s\"\n", "RequestHeader|set|X|%{SSL_CLIENT_S_DN}s"},
      {"Header set X 'a b'\n", "Header|set|X|a b"},
      {"SSLCipherSuite HIGH:\\\n  !aNULL\n", "SSLCipherSuite|HIGH:|!aNULL"},
      {"<VirtualHost *:443>\n  SSLEngine on\n  <Location /admin>\n    Require all denied\n  </Location>\n</VirtualHost>\n",
       "VirtualHost|*:443{SSLEngine|on ; Location|/admin{Require|all|denied}}"},
      {"<virtualhost *:443>\n</VIRTUALHOST>\n", "virtualhost|*:443{}"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(shape(parse_text(r.text, "a.conf")) == r.shape);
  }
}

TEST_CASE("apache syntax: errors name the file and line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"<VirtualHost *:443>\n SSLEngine on\n", "a.conf:1: <VirtualHost> is never closed"},
      {"<VirtualHost *:443>\n</Location>\n", "a.conf:2: </Location> closes <VirtualHost> opened at line 1"},
      {"</VirtualHost>\n", "a.conf:1: </VirtualHost> without a matching <VirtualHost>"},
      {"Header set X \"open\n", "a.conf:1: unmatched double quote"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(error_of([&] { parse_text(r.text, "a.conf"); }), Catch::Contains(r.error));
  }
}

TEST_CASE("apache syntax: Include and IncludeOptional with globs, relative to the config's directory") {
  const auto dir = fs::temp_directory_path() / "mtls-apache-include-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "conf.d");
  std::ofstream(dir / "main.conf") << "Include conf.d/*.conf\nIncludeOptional nothing/*.conf\nListen 443\n";
  std::ofstream(dir / "conf.d/b.conf") << "\nHeader set B 1\n";
  std::ofstream(dir / "conf.d/a.conf") << "Header set A 1\n";
  const auto ds = parse_file(dir / "main.conf", dir);
  CHECK(shape(ds) == "Header|set|A|1 ; Header|set|B|1 ; Listen|443");
  for (const auto& d : ds)
    if (d.is("Header") && d.arg(1) == "B") {
      CHECK(d.where.file.filename() == "b.conf");
      CHECK(d.where.line == 2);
    }
  std::ofstream(dir / "bad.conf") << "Include missing/*.conf\n";
  CHECK_THAT(error_of([&] { parse_file(dir / "bad.conf", dir); }), Catch::Contains("bad.conf:1: Include") &&
                                                                       Catch::Contains("matches no file"));
  fs::remove_all(dir);
}

TEST_CASE("apache rewrite: what changes for a loopback run") {
  struct Row { const char* text; const char* contains; };
  const Row rows[] = {
      {"Listen 443\nListen [::]:443\n", "Listen 127.0.0.1:40443\n# Listen [::]:443  # removed by mtls-harness"},
      {"<VirtualHost *:443 [::]:443>\n</VirtualHost>\n", "<VirtualHost 127.0.0.1:40443>\n"},
      {"<VirtualHost _default_:443>\n</VirtualHost>\n", "<VirtualHost 127.0.0.1:40443>\n"},
      {"SSLCertificateFile /etc/ssl/a.crt\n", "SSLCertificateFile /fx/fullchain.pem\n"},
      {"SSLCertificateKeyFile /etc/ssl/a.key\n", "SSLCertificateKeyFile /fx/key.pem\n"},
      {"SSLCertificateChainFile /etc/ssl/chain.crt\n", "# SSLCertificateChainFile /etc/ssl/chain.crt  # removed by mtls-harness"},
      {"SSLCACertificatePath /etc/ssl/clients/\n", "SSLCACertificateFile /fx/ca.pem\n"},
      {"SSLCARevocationFile /etc/ssl/ca.crl\n", "SSLCARevocationFile /run/a/crl.pem\n"},
      {"ErrorLog ${APACHE_LOG_DIR}/error.log\n", "ErrorLog /run/a/error.log\n"},
      {"ErrorLog \"|/usr/bin/rotatelogs /var/log/x 86400\"\n", "ErrorLog /run/a/error.log\n"},
      {"CustomLog /var/log/a.log combined\n", "CustomLog /run/a/access.log combined\n"},
      {"PidFile /run/apache2.pid\n", "PidFile /run/a/apache.pid\n"},
      {"SSLSessionCache shmcb:/var/run/apache2/ssl_scache(512000)\n", "SSLSessionCache shmcb:/run/a/ssl_scache(512000)\n"},
      {"Mutex file:/var/lock/apache2 default\n", "Mutex file:/run/a default\n"},
      {"User www-data\nGroup www-data\n", "# User www-data  # removed by mtls-harness"},
      {"ProxyPass / http://10.0.0.1:8080/api/\n", "ProxyPass / http://127.0.0.1:9000/api/\n"},
      {"ProxyPass /app https://app.internal/ retry=0\n", "ProxyPass /app http://127.0.0.1:9000/ retry=0\n"},
      {"ProxyPass /ws wss://chat.internal/ws\n", "ProxyPass /ws ws://127.0.0.1:9000/ws\n"},
      {"ProxyPass /health !\n", "ProxyPass /health !\n"},
      {"ProxyPass / balancer://app/\n", "ProxyPass / balancer://app/\n"},
      {"<Proxy balancer://app>\n  BalancerMember http://10.0.0.2:8080 route=a\n</Proxy>\n",
       "  BalancerMember http://127.0.0.1:9000 route=a\n"},
      {"ProxyPass / \"unix:/run/app.sock|http://localhost/\"\n", "ProxyPass / http://127.0.0.1:9000/\n"},
      {"RewriteRule ^/api/(.*)$ http://10.0.0.3:8080/$1 [P,L]\n", "RewriteRule ^/api/(.*)$ http://127.0.0.1:9000/$1 [P,L]\n"},
      {"RewriteRule ^/old$ https://example.com/new [R=301,L]\n", "RewriteRule ^/old$ https://example.com/new [R=301,L]\n"},
      {"SSLOCSPDefaultResponder http://ocsp.example.com/\n", "SSLOCSPDefaultResponder http://127.0.0.1:1/\n"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(rendered(vhost(r.text)), Catch::Contains(r.contains));
  }
}

TEST_CASE("apache rewrite: a site file gets the server settings a loopback run needs, each a change") {
  const auto r = rewrite(parse_text(vhost("  SSLVerifyClient require\n"), "a.conf"), loopback_inputs());
  CHECK_THAT(r.text, Catch::StartsWith("ServerRoot /run/a\n"));
  CHECK_THAT(r.text, Catch::Contains("PidFile /run/a/apache.pid\nErrorLog /run/a/error.log\n"));
  CHECK_THAT(r.text, Catch::Contains("Listen 127.0.0.1:40443\n"));
  std::vector<std::string> added;
  for (const auto& c : r.changes)
    if (c.from.empty()) added.push_back(c.directive);
  CHECK(added == std::vector<std::string>{"ServerRoot", "PidFile", "ErrorLog", "LoadModule", "Listen"});
  // The user's own lines are kept as written, comments and all.
  CHECK_THAT(r.text, Catch::Contains("  SSLEngine on\n  SSLVerifyClient require\n</VirtualHost>\n"));
}

TEST_CASE("apache rewrite: the user's trust is kept as written when their CA issues the clients") {
  auto in = loopback_inputs();
  in.client_ca.reset();
  CHECK_THAT(rendered(vhost("  SSLCACertificateFile ssl/company-ca.pem\n"), in),
             Catch::Contains("SSLCACertificateFile /etc/apache2/ssl/company-ca.pem\n"));
  CHECK_THAT(rendered(vhost("  SSLCACertificateFile /etc/pki/company-ca.pem\n"), in),
             Catch::Contains("  SSLCACertificateFile /etc/pki/company-ca.pem\n"));
}

TEST_CASE("apache rewrite: what cannot be mapped safely is an error naming file:line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"  ProxyPass / fcgi://10.0.0.9:9000/\n", "a.conf:3: ProxyPass fcgi://10.0.0.9:9000/: the harness's loopback backend speaks HTTP only"},
      {"  ProxyPass / ajp://10.0.0.9:8009/\n", "a.conf:3: ProxyPass ajp://10.0.0.9:8009/"},
      {"  ProxyPass / http://${BACKEND}/\n", "a.conf:3: ProxyPass http://${BACKEND}/: the upstream is built from variables"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(error_of([&] { rendered(vhost(r.text)); }), Catch::Contains(r.error));
  }
  auto in = loopback_inputs();
  in.ports = {{443, 40443}, {8443, 48443}};
  CHECK_THAT(error_of([&] { rendered("Listen 443\nListen 8443\n<VirtualHost *>\n</VirtualHost>\n", in); }),
             Catch::Contains("a.conf:3: <VirtualHost *>: no port, and the config listens on several"));
}

TEST_CASE("apache facts: the VirtualHost cases go to, and how it verifies clients") {
  struct Row { const char* text; const char* wanted; int port; const char* verify; bool crl; const char* name; };
  const Row rows[] = {
      {"<VirtualHost *:443>\n SSLEngine on\n ServerName api.example.com:443\n SSLVerifyClient require\n"
       " SSLCARevocationFile /x\n SSLCARevocationCheck chain\n</VirtualHost>\n", "", 443, "require", true, "api.example.com"},
      // httpd 2.4's SSLCARevocationCheck defaults to none: the file alone is not checked.
      {"<VirtualHost *:443>\n SSLEngine on\n SSLVerifyClient require\n SSLCARevocationFile /x\n</VirtualHost>\n",
       "", 443, "require", false, ""},
      {"SSLVerifyClient optional\n<VirtualHost *:443>\n SSLEngine on\n</VirtualHost>\n", "", 443, "optional", false, ""},
      {"Listen 80\nListen 443\n<VirtualHost *:80>\n</VirtualHost>\n<VirtualHost *:443>\n SSLEngine on\n</VirtualHost>\n",
       "", 443, "none", false, ""},
      {"<VirtualHost *:443>\n SSLEngine on\n</VirtualHost>\n<VirtualHost *:8443>\n SSLEngine on\n SSLVerifyClient require\n"
       "</VirtualHost>\n", "8443", 8443, "require", false, ""},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto f = facts(parse_text(r.text, "a.conf"), "a.conf", r.wanted);
    CHECK(f.chosen_port == r.port);
    CHECK(f.verify == r.verify);
    CHECK(f.crl == r.crl);
    CHECK(f.server_name == r.name);
  }
  CHECK_THAT(error_of([] { facts(parse_text("Listen 80\n", "a.conf"), "a.conf", ""); }), Catch::Contains("serves no TLS"));
}
