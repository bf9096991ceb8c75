// nginx config syntax and the loopback rewrite as tables: what nginx's tokenizer reads, the
// exact error for what it or the harness refuses, and what the rewrite changes and keeps.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "userconf/nginx_rewrite.hpp"
#include "userconf/nginx_syntax.hpp"

using namespace mtls::userconf;
using namespace mtls::userconf::nginx;
namespace fs = std::filesystem;

namespace {

// Directives one level deep as "name arg|arg" (blocks as "name{...}").
std::string shape(const Directives& ds) {
  std::string out;
  for (const auto& d : ds) {
    out += (out.empty() ? "" : " ; ") + d.name;
    for (const auto& a : d.args) out += "|" + a.value;
    if (d.has_block) out += "{" + shape(d.block) + "}";
  }
  return out;
}

std::string error_of(const std::string& text) {
  try {
    parse_text(text, "t.conf");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("nginx syntax: words, quotes, comments, blocks") {
  struct Row { const char* text; const char* shape; };
  const Row rows[] = {
      {"worker_processes 1;", "worker_processes|1"},
      {"a b; # comment ; {\nc;", "a|b ; c"},
      {"add_header X \"a; b\";", "add_header|X|a; b"},
      {"add_header X 'it\\'s';", "add_header|X|it's"},
      {"return 200 \"say \\\"hi\\\"\";", "return|200|say \"hi\""},
      {"set $x ${host}x;", "set|$x|${host}x"},
      {"http { server { listen 443 ssl; } }", "http{server{listen|443|ssl}}"},
      {"if ($ssl_client_verify != SUCCESS) { return 403; }", "if|($ssl_client_verify|!=|SUCCESS){return|403}"},
      {"map $a $b {\n default 0;\n \"~^x\" 1;\n}", "map|$a|$b{default|0 ; ~^x|1}"},
      {"a#b c;", "a#b|c"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(shape(parse_text(r.text, "t.conf")) == r.shape);
  }
}

TEST_CASE("nginx syntax: errors name the file and line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"a b", "t.conf:1: \"a\" is not terminated by \";\" (add the missing \";\")"},
      {"http {\n a;\n", "t.conf:1: a \"{\" is never closed (add the missing \"}\")"},
      {"a;\n}", "t.conf:2: unexpected \"}\": no block is open (remove it)"},
      {"a\n b }", "t.conf:2: unexpected \"}\" after \"a\": a directive ends with \";\" (add the missing \";\")"},
      {"a \"b;\n", "t.conf:1: unterminated double quote"},
      {"a \"b\"c;", "t.conf:1: unexpected \"c\" after a quoted string"},
      {"x;\n;", "t.conf:2: unexpected \";\""},
      {"location / {\n content_by_lua_block { ngx.say(\"hi\") }\n}",
       "t.conf:2: \"content_by_lua_block\" holds code for another module (Lua, Perl, njs), which the "
       "harness cannot read or rewrite (gate a config without it, or run this gateway yourself and "
       "use kind = \"external\")"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(error_of(r.text) == r.error);
  }
}

TEST_CASE("nginx syntax: include with a glob splices files in order, with their own lines") {
  const fs::path dir = fs::temp_directory_path() / "mtls-userconf-include";
  fs::remove_all(dir);
  fs::create_directories(dir / "conf.d");
  std::ofstream(dir / "main.conf") << "events {}\nhttp {\n  include conf.d/*.conf;\n  include none/*.conf;\n}\n";
  std::ofstream(dir / "conf.d" / "b.conf") << "\n\nb 2;\n";
  std::ofstream(dir / "conf.d" / "a.conf") << "a 1;\n";
  const auto ds = parse_file(dir / "main.conf");
  CHECK(shape(ds) == "events{} ; http{a|1 ; b|2}");
  CHECK(ds[1].block[1].where.line == 3);
  CHECK(ds[1].block[1].where.file.filename() == "b.conf");

  std::ofstream(dir / "loop.conf") << "include loop.conf;\n";
  CHECK_THROWS_WITH(parse_file(dir / "loop.conf"), Catch::Contains("includes itself"));
  std::ofstream(dir / "missing.conf") << "\ninclude nowhere.conf;\n";
  CHECK_THROWS_WITH(parse_file(dir / "missing.conf"),
                    Catch::Contains("missing.conf:2: include " + (dir / "nowhere.conf").string() + ": no such file"));
  fs::remove_all(dir);
}

namespace {

Inputs loopback_inputs() {
  Inputs in;
  in.conf_dir = "/etc/nginx";
  in.runtime_dir = "/run/h";
  in.ports = {{443, 40443}, {80, 40080}};
  in.server_cert = "/fx/server.pem";
  in.server_key = "/fx/server.key";
  in.client_ca = fs::path("/fx/ca.pem");
  in.crl = fs::path("/run/h/crl.pem");
  in.backend = "127.0.0.1:9000";
  return in;
}

std::string rendered(const std::string& text, const Inputs& in = loopback_inputs()) {
  return rewrite(parse_text(text, "api.conf"), in).text;
}

std::string rewrite_error(const std::string& text) {
  try {
    rewrite(parse_text(text, "api.conf"), loopback_inputs());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("nginx rewrite: what changes for a loopback run") {
  struct Row { const char* text; const char* contains; };
  const Row rows[] = {
      {"http { server { listen 443 ssl; } }", "listen 127.0.0.1:40443 ssl;"},
      {"http { server { listen [::]:443 ssl ipv6only=on; } }", "listen 127.0.0.1:40443 ssl;"},
      {"http { server { listen 443 ssl; listen [::]:443 ssl; } }", "# listen [::]:443 ssl;  # removed"},
      {"http { server { server_name a; } }", "listen 127.0.0.1:40080;"},
      {"http { server { listen 443 ssl; ssl_certificate /etc/x.crt; } }", "ssl_certificate /fx/server.pem;"},
      {"http { server { listen 443 ssl; ssl_client_certificate /etc/ca.crt; } }", "ssl_client_certificate /fx/ca.pem;"},
      {"http { server { listen 443 ssl; ssl_crl /etc/ca.crl; } }", "ssl_crl /run/h/crl.pem;"},
      {"http { upstream app { server 10.0.0.7:8080 weight=3; } }", "server 127.0.0.1:9000 weight=3;"},
      {"http { server { location / { proxy_pass https://10.0.0.7:8443/api/; } } }", "proxy_pass http://127.0.0.1:9000/api/;"},
      {"http { upstream app { server a:1; } server { location / { proxy_pass https://app; } } }", "proxy_pass http://app;"},
      {"http { server { location / { proxy_pass http://$upstream_host$request_uri; } } }", "proxy_pass http://127.0.0.1:9000$request_uri;"},
      {"http { resolver 10.0.0.2 valid=30s; }", "resolver 127.0.0.1 valid=30s;"},
      {"http { server { ssl_ocsp on; } }", "ssl_ocsp_responder http://127.0.0.1:9/;"},
      {"error_log /var/log/nginx/error.log warn;", "error_log /run/h/error.log warn;"},
      {"pid /run/nginx.pid;", "pid /run/h/nginx.pid;"},
      {"daemon on;", "daemon off;"},
      {"http { ssl_dhparam dh.pem; }", "ssl_dhparam /etc/nginx/dh.pem;"},
      {"http { access_log /var/log/a.log main; }", "access_log /run/h/access.log main;"},
      {"server { listen 443 ssl; }", "http {"},  // a site file is wrapped
      {"stream { server { listen 443 ssl; proxy_pass 10.0.0.9:5432; } }", "proxy_pass 127.0.0.1:9000;"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(rendered(r.text), Catch::Contains(r.contains));
  }
}

TEST_CASE("nginx rewrite: everything else stays as written") {
  const std::string text =
      "http { map $ssl_client_s_dn $ok { default 0; \"CN=a\" 1; }\n server { listen 443 ssl;\n"
      " ssl_verify_client optional; ssl_verify_depth 3; ssl_protocols TLSv1.3;\n"
      " if ($ok = 0) { return 403; }\n location /x { proxy_set_header X-DN $ssl_client_s_dn; } } }";
  const auto out = rendered(text);
  for (const char* kept : {"ssl_verify_client optional;", "ssl_verify_depth 3;", "ssl_protocols TLSv1.3;",
                           "\"CN=a\" 1;", "if ($ok = 0) {", "return 403;", "proxy_set_header X-DN $ssl_client_s_dn;"}) {
    INFO(kept);
    CHECK_THAT(out, Catch::Contains(kept));
  }
  // The user's CA as written: the trust is not rewritten.
  auto in = loopback_inputs();
  in.client_ca.reset();
  CHECK_THAT(rendered("http { server { listen 443 ssl; ssl_client_certificate /etc/ca.crt; } }", in),
             Catch::Contains("ssl_client_certificate /etc/ca.crt;"));
}

TEST_CASE("nginx rewrite: every change names the user's file and line") {
  const auto r = rewrite(parse_text("http {\n server {\n  listen 443 ssl;\n  ssl_client_certificate /etc/ca.crt;\n }\n}\n",
                                    "api.conf"), loopback_inputs());
  std::vector<std::string> labels;
  for (const auto& c : r.changes) labels.push_back(c.label());
  CHECK(std::find(labels.begin(), labels.end(), "api.conf:4 ssl_client_certificate /etc/ca.crt → /fx/ca.pem") != labels.end());
  CHECK(std::find(labels.begin(), labels.end(), "api.conf:3 listen 443 ssl → 127.0.0.1:40443 ssl") != labels.end());
  // nginx -t's message about the rendered copy points at the user's line.
  int line = 0;
  for (std::size_t i = 0; i < r.origin.size(); ++i)
    if (r.origin[i].line == 4) line = static_cast<int>(i) + 1;
  REQUIRE(line > 0);
  CHECK(translate("[emerg] bad in /run/h/nginx.conf:" + std::to_string(line) + "\n", "/run/h/nginx.conf", r) ==
        "[emerg] bad in api.conf:4\n");
}

TEST_CASE("nginx rewrite: what cannot be mapped safely is an error naming file:line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"http { server {\n listen 443 ssl;\n ssl_certificate /etc/$ssl_server_name.crt; } }",
       "api.conf:3: ssl_certificate /etc/$ssl_server_name.crt: a certificate loaded from a variable"},
      {"http { server { listen unix:/run/x.sock; } }", "api.conf:1: listen unix:/run/x.sock: a unix socket listener"},
      {"http { server { listen 443 ssl;\n location / { fastcgi_pass 10.0.0.1:9000; } } }",
       "api.conf:2: fastcgi_pass 10.0.0.1:9000: the harness's loopback backend speaks HTTP only"},
      {"load_module modules/ngx_http_geoip_module.so;", "api.conf:1: load_module modules/ngx_http_geoip_module.so: a dynamic module"},
      {"http { lua_shared_dict x 1m; }", "api.conf:1: \"lua_shared_dict\" belongs to a module (Lua, Perl, njs)"},
      {"mail { server { listen 993; } }", "api.conf:1: a mail { } block"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(rewrite_error(r.text), Catch::Contains(r.error));
  }
}

TEST_CASE("nginx facts: the listener cases go to, and how it verifies clients") {
  const auto ds = parse_text("http { ssl_crl /c.pem;\n server { listen 80; }\n server { listen 443 ssl; server_name _ api.example.com;"
                             " ssl_verify_client optional_no_ca; } }", "api.conf");
  const auto f = facts(ds, "api.conf", "");
  CHECK(f.chosen_port == 443);
  CHECK(f.verify == "optional_no_ca");
  CHECK(f.crl);
  CHECK(f.server_name == "api.example.com");
  CHECK(f.listeners.size() == 2);

  const auto two = parse_text("http { server { listen 443 ssl; } server { listen 8443 ssl; } }", "api.conf");
  CHECK_THROWS_WITH(facts(two, "api.conf", ""), Catch::Contains("several TLS listeners (443, 8443)") &&
                                                   Catch::Contains("add listener = \"443\" to [target]"));
  CHECK(facts(two, "api.conf", "8443").chosen_port == 8443);
  CHECK_THROWS_WITH(facts(two, "api.conf", "9443"), Catch::Contains("is not a TLS listener"));
  // Two servers on one port (name-based): one listener, both servers on its loopback port,
  // the first one answers names it does not know, as nginx's default server.
  const auto shared = parse_text("http { server { listen 443 ssl; server_name a.test; }\n"
                                 " server { listen 443 ssl; server_name b.test; } }", "api.conf");
  const auto fs2 = facts(shared, "api.conf", "");
  CHECK(fs2.listeners.size() == 1);
  CHECK(fs2.server_name == "a.test");
  const auto text = rewrite(shared, loopback_inputs()).text;
  CHECK(text.find("listen 127.0.0.1:40443 ssl;") != text.rfind("listen 127.0.0.1:40443 ssl;"));
  CHECK_THROWS_WITH(facts(parse_text("http { server { listen 80; } }", "api.conf"), "api.conf", ""),
                    Catch::Contains("serves no TLS"));
}
