// Caddyfile syntax and the loopback rewrite as tables: what Caddy's lexer reads, what the
// rewrite changes (addresses keep their host for SNI; tls, client_auth trust, reverse_proxy,
// global options) and keeps byte for byte, the site cases go to and its client_auth mode, and
// the exact error for what cannot be mapped.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "userconf/caddy_rewrite.hpp"
#include "userconf/caddy_syntax.hpp"

using namespace mtls::userconf;
using namespace mtls::userconf::caddy;
namespace fs = std::filesystem;

namespace {

std::string shape(const Statements& ss) {
  std::string out;
  for (const auto& s : ss) {
    if (s.words.empty() && !s.has_block) continue;
    std::string words;
    for (const auto& w : s.words) words += (words.empty() ? "" : "|") + w.value;
    out += (out.empty() ? "" : " ; ") + words;
    if (s.has_block) out += "{" + shape(s.block) + "}";
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
  in.conf_dir = "/etc/caddy";
  in.runtime_dir = "/run/c";
  in.ports = {{443, 40443}, {80, 40080}, {8443, 48443}};
  in.server_cert = "/fx/fullchain.pem";
  in.server_key = "/fx/key.pem";
  in.client_ca = "/fx/ca.pem";
  in.backend = "127.0.0.1:9000";
  return in;
}

std::string rendered(const std::string& text, const Inputs& in = loopback_inputs()) {
  return rewrite(parse_text(text, "Caddyfile"), in).text;
}

}  // namespace

TEST_CASE("caddy syntax: tokens, quotes, backticks, comments, blocks") {
  struct Row { const char* text; const char* shape; };
  const Row rows[] = {
      {"localhost {\n\trespond \"hi there\" 200\n}\n", "localhost{respond|hi there|200}"},
      {"a.example {\n\theader X `{\"a\": 1}`\n}\n", "a.example{header|X|{\"a\": 1}}"},
      {"a.example { # the site\n\t# a comment\n\tbind 127.0.0.1\n}\n", "a.example{bind|127.0.0.1}"},
      {"a.example, b.example {\n\theader X-DN {http.request.tls.client.subject}\n}\n",
       "a.example,|b.example{header|X-DN|{http.request.tls.client.subject}}"},
      {"(mtls) {\n\ttls {\n\t\tclient_auth {\n\t\t\tmode require_and_verify\n\t\t}\n\t}\n}\n",
       "(mtls){tls{client_auth{mode|require_and_verify}}}"},
      {"{\n\tadmin off\n}\n", "{admin|off}"},
      {"a {\n\trespond \"say \\\"hi\\\"\"\n}\n", "a{respond|say \"hi\"}"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(shape(parse_text(r.text, "Caddyfile")) == r.shape);
  }
}

TEST_CASE("caddy syntax: errors name the file and line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"a {\n\tbind x\n", "Caddyfile:1: this block's '{' is never closed"},
      {"}\n", "Caddyfile:1: unexpected '}'"},
      {"a {\n\trespond \"open\n}\n", "Caddyfile:2: unmatched double quote"},
      {"a {\n\trespond x }\n", "Caddyfile:2: a '}' must be on a line of its own"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(error_of([&] { parse_text(r.text, "Caddyfile"); }), Catch::Contains(r.error));
  }
}

TEST_CASE("caddy syntax: import of a file glob is spliced, an import of a snippet stays") {
  const auto dir = fs::temp_directory_path() / "mtls-caddy-import-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "sites");
  std::ofstream(dir / "Caddyfile") << "(mtls) {\n\ttls\n}\nimport sites/*.caddy\n";
  std::ofstream(dir / "sites/api.caddy") << "api.example {\n\timport mtls\n}\n";
  const auto ss = parse_file(dir / "Caddyfile");
  CHECK(shape(ss) == "(mtls){tls} ; api.example{import|mtls}");
  for (const auto& s : ss)
    if (s.word(0) == "api.example") {
      CHECK(s.where.file.filename() == "api.caddy");
      CHECK(s.where.line == 1);
    }
  fs::remove_all(dir);
}

TEST_CASE("caddy rewrite: what changes for a loopback run") {
  struct Row { const char* text; const char* contains; };
  const Row rows[] = {
      {"api.example.com {\n}\n", "https://api.example.com:40443 {\n\tbind 127.0.0.1\n\ttls /fx/fullchain.pem /fx/key.pem\n}\n"},
      {"https://api.example.com:8443 {\n\tbind 0.0.0.0\n}\n", "https://api.example.com:48443 {\n\ttls /fx/fullchain.pem /fx/key.pem\n\tbind 127.0.0.1\n"},
      {"http://api.example.com {\n}\n", "http://api.example.com:40080 {\n\tbind 127.0.0.1\n}\n"},
      {":443 {\n\ttls /etc/caddy/a.crt /etc/caddy/a.key\n}\n", "https://:40443 {\n\tbind 127.0.0.1\n\ttls /fx/fullchain.pem /fx/key.pem\n"},
      {"a {\n\ttls internal\n}\n", "\ttls /fx/fullchain.pem /fx/key.pem\n"},
      {"a {\n\ttls {\n\t\tissuer acme\n\t}\n}\n", "\t\t# issuer acme  # removed by mtls-harness"},
      {"a {\n\ttls {\n\t\tclient_auth {\n\t\t\ttrusted_ca_cert_file /etc/caddy/ca.pem\n\t\t}\n\t}\n}\n",
       "\t\t\ttrusted_ca_cert_file /fx/ca.pem\n"},
      {"a {\n\ttls {\n\t\tclient_auth {\n\t\t\ttrusted_ca_cert MIIB\n\t\t}\n\t}\n}\n", "\t\t\ttrusted_ca_cert_file /fx/ca.pem\n"},
      {"a {\n\treverse_proxy 10.0.0.1:8080 10.0.0.2:8080\n}\n", "\treverse_proxy http://127.0.0.1:9000\n"},
      {"a {\n\treverse_proxy /api/* https://app.internal\n}\n", "\treverse_proxy /api/* http://127.0.0.1:9000\n"},
      {"a {\n\treverse_proxy {\n\t\tto 10.0.0.1:80 10.0.0.2:80\n\t}\n}\n", "\t\tto http://127.0.0.1:9000\n"},
      {"a {\n\treverse_proxy app:443 {\n\t\ttransport http {\n\t\t\ttls\n\t\t\ttls_server_name app\n\t\t}\n\t}\n}\n",
       "\t\t\t# tls  # removed by mtls-harness: the loopback backend speaks plain HTTP\n\t\t\t# tls_server_name app  # removed"},
      {"a {\n\tlog {\n\t\toutput file /var/log/caddy/a.log\n\t}\n}\n", "\t\toutput file /run/c/access.log\n"},
      {"{\n\tadmin localhost:2019\n}\n", "{\n\tadmin off\n\tauto_https off\n\tstorage file_system /run/c/data\n}\n"},
      {"{\n\thttps_port 8443\n}\n", "\t# https_port 8443  # removed by mtls-harness"},
      {"a {\n}\n", "{\n\tadmin off\n\tauto_https off\n\tstorage file_system /run/c/data\n}\n"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(rendered(r.text), Catch::Contains(r.contains));
  }
}

TEST_CASE("caddy rewrite: the user's trust is kept as written when their CA issues the clients") {
  auto in = loopback_inputs();
  in.client_ca.reset();
  CHECK_THAT(rendered("a {\n\ttls {\n\t\tclient_auth {\n\t\t\ttrusted_ca_cert_file tls/company.pem\n\t\t}\n\t}\n}\n", in),
             Catch::Contains("trusted_ca_cert_file /etc/caddy/tls/company.pem\n"));
}

TEST_CASE("caddy rewrite: everything else stays as written, byte for byte") {
  const std::string text = "a {\n\t# why\n\theader X-Client-DN {http.request.tls.client.subject}\n"
                           "\t@admin path /admin/*\n\trespond @admin 403\n}\n";
  const auto out = rendered(text);
  CHECK_THAT(out, Catch::Contains("\t# why\n\theader X-Client-DN {http.request.tls.client.subject}\n"
                                  "\t@admin path /admin/*\n\trespond @admin 403\n}\n"));
}

TEST_CASE("caddy rewrite: what cannot be mapped safely is an error naming file:line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"a {\n\tphp_fastcgi localhost:9000\n}\n", "Caddyfile:2: php_fastcgi: the harness's loopback backend speaks HTTP only"},
      {"a {\n\treverse_proxy {\n\t\tdynamic srv _api._tcp.example\n\t}\n}\n", "Caddyfile:3: reverse_proxy dynamic upstreams"},
      {"a {\n\treverse_proxy app:9000 {\n\t\ttransport fastcgi\n\t}\n}\n", "Caddyfile:3: transport fastcgi"},
      {"{$SITE} {\n}\n", "Caddyfile:1: site address {$SITE}: from an environment variable"},
      {"unix//run/caddy.sock {\n}\n", "Caddyfile:1: site address unix//run/caddy.sock: a unix socket"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(error_of([&] {
                 const auto c = parse_text(r.text, "Caddyfile");
                 (void)rewrite(c, loopback_inputs());
               }),
               Catch::Contains(r.error));
  }
}

TEST_CASE("caddy facts: the site cases go to and its client_auth mode") {
  struct Row { const char* text; const char* wanted; int port; const char* mode; const char* name; };
  const Row rows[] = {
      {"api.example.com {\n\ttls {\n\t\tclient_auth {\n\t\t\ttrusted_ca_cert_file /ca.pem\n\t\t}\n\t}\n}\n", "", 443,
       "require_and_verify", "api.example.com"},
      {"a {\n\ttls {\n\t\tclient_auth {\n\t\t\tmode verify_if_given\n\t\t}\n\t}\n}\n", "", 443, "verify_if_given", "a"},
      {"(m) {\n\ttls {\n\t\tclient_auth {\n\t\t\tmode require\n\t\t}\n\t}\n}\n:443 {\n\timport m\n}\n", "", 443, "require", ""},
      {"http://a {\n}\nhttps://b:8443 {\n}\n", "", 8443, "", "b"},
      {"*.example.com {\n}\n", "", 443, "", ""},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto f = facts(parse_text(r.text, "Caddyfile"), "Caddyfile", r.wanted);
    CHECK(f.chosen_port == r.port);
    CHECK(f.mode == r.mode);
    CHECK(f.server_name == r.name);
  }
  CHECK_THAT(error_of([] { facts(parse_text("http://a {\n}\n", "Caddyfile"), "Caddyfile", ""); }),
             Catch::Contains("serves no TLS"));
}
