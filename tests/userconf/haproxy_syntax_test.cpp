// HAProxy config syntax and the loopback rewrite as tables: what HAProxy's line parser reads,
// what the rewrite changes and keeps byte for byte, what the bind cases go to says about
// client verification, and the exact error for what cannot be mapped.
#include <catch2/catch.hpp>

#include "userconf/haproxy_rewrite.hpp"
#include "userconf/haproxy_syntax.hpp"

using namespace mtls::userconf;
using namespace mtls::userconf::haproxy;

namespace {

// Sections as "kind name: word|word ; word" (blank and comment lines left out).
std::string shape(const Config& c) {
  std::string out;
  for (const auto& s : c) {
    std::string lines;
    for (const auto& l : s.lines) {
      if (l.words.empty()) continue;
      std::string words;
      for (const auto& w : l.words) words += (words.empty() ? "" : "|") + w.value;
      lines += (lines.empty() ? "" : " ; ") + words;
    }
    if (s.kind.empty() && lines.empty()) continue;
    out += (out.empty() ? "" : " / ") + s.kind + (s.name.empty() ? "" : " " + s.name) + ": " + lines;
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
  in.conf_dir = "/etc/haproxy";
  in.runtime_dir = "/run/h";
  in.ports = {{443, 40443}, {80, 40080}, {8404, 48404}};
  in.server_pem = "/fx/server.pem";
  in.client_ca = "/fx/ca.pem";
  in.crl = "/run/h/crl.pem";
  in.backend = "127.0.0.1:9000";
  in.free_port = [] { return 47000; };
  return in;
}

std::string rendered(const std::string& text, const Inputs& in = loopback_inputs()) {
  return rewrite(parse_text(text, "h.cfg"), in).text;
}

}  // namespace

TEST_CASE("haproxy syntax: sections, words, quotes, escapes, comments") {
  struct Row { const char* text; const char* shape; };
  const Row rows[] = {
      {"global\n  daemon\n", "global: daemon"},
      {"frontend fe\n bind :443 ssl # tls\n", "frontend fe: bind|:443|ssl"},
      {"backend be\n http-request set-header X \"a b\"\n", "backend be: http-request|set-header|X|a b"},
      {"backend be\n http-request return string 'it''s #1'\n", "backend be: http-request|return|string|its #1"},
      {"backend be\n acl x path_beg /a\\ b\n", "backend be: acl|x|path_beg|/a b"},
      {"backend be\n a \"say \\\"hi\\\"\"\n", "backend be: a|say \"hi\""},
      {"backend be\n a \"${HOME}\"/x\n", "backend be: a|${HOME}/x"},
      {"defaults\n mode http\nlisten l\n bind :80\n", "defaults: mode|http / listen l: bind|:80"},
      {"# only a comment\n\nglobal\n", "global: "},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK(shape(parse_text(r.text, "h.cfg")) == r.shape);
  }
}

TEST_CASE("haproxy syntax: errors name the file and line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"global\n log \"unterminated\n", "h.cfg:2: unmatched double quote"},
      {"global\n log 'x\n", "h.cfg:2: unmatched single quote"},
      {"global\n log x \\\n", "h.cfg:2: a backslash ends the line"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(error_of([&] { parse_text(r.text, "h.cfg"); }), Catch::Contains(r.error));
  }
}

TEST_CASE("haproxy rewrite: what changes for a loopback run") {
  struct Row { const char* text; const char* contains; };
  const Row rows[] = {
      {"frontend fe\n bind :443 ssl crt /etc/a.pem crt /etc/b.pem ca-file c.pem verify required crl-file x.crl\n",
       " bind 127.0.0.1:40443 ssl crt /fx/server.pem ca-file /fx/ca.pem verify required crl-file /run/h/crl.pem\n"},
      {"frontend fe\n bind *:443,:80 ssl crt /a.pem\n", " bind 127.0.0.1:40443,127.0.0.1:40080 ssl crt /fx/server.pem\n"},
      {"frontend fe\n bind ipv6@:::443 v4v6 ssl crt /a.pem\n", " bind 127.0.0.1:40443 ssl crt /fx/server.pem\n"},
      {"frontend fe\n bind :443 ssl crt /a.pem\n bind :::443 v6only ssl crt /a.pem\n",
       " # bind :::443 v6only ssl crt /a.pem  # removed by mtls-harness: same port"},
      {"backend be\n server s1 10.0.0.1:8443 check ssl verify required ca-file /x sni str(a) weight 10\n",
       " server s1 127.0.0.1:9000 check weight 10\n"},
      {"backend be\n server s1 app.internal:80 resolvers dns init-addr none send-proxy-v2\n", " server s1 127.0.0.1:9000\n"},
      {"backend be\n server-template web 3 _http._tcp.app.svc:80 resolvers k8s check\n",
       " server-template web 3 127.0.0.1:9000 check\n"},
      {"backend be\n default-server ssl verify none inter 2s\n", " default-server inter 2s\n"},
      {"global\n daemon\n", " # daemon  # removed by mtls-harness: the harness runs HAProxy in the foreground"},
      {"global\n master-worker\n", " # master-worker  # removed by mtls-harness"},
      {"global\n chroot /var/lib/haproxy\n", " # chroot /var/lib/haproxy  # removed by mtls-harness"},
      {"global\n user haproxy\n", " # user haproxy  # removed by mtls-harness"},
      {"global\n pidfile /run/haproxy.pid\n", " pidfile /run/h/haproxy.pid\n"},
      {"global\n stats socket /run/haproxy/admin.sock mode 660 level admin\n",
       " stats socket /run/h/admin.sock mode 660 level admin\n"},
      {"global\n log /dev/log local0 notice\n", " log stderr local0 notice\n"},
      {"global\n log 10.0.0.9:514 len 4096 local0\n", " log stderr len 4096 local0\n"},
      {"frontend fe\n log 10.0.0.9:514 local1\n", " log stderr local1\n"},
      {"resolvers dns\n nameserver ns1 10.0.0.2:53\n parse-resolv-conf\n",
       " nameserver ns1 127.0.0.1:1\n # parse-resolv-conf  # removed by mtls-harness"},
      {"peers p\n peer haproxy1 10.0.0.1:1024\n", " peer haproxy1 127.0.0.1:47000\n"},
      {"mailers m\n mailer smtp1 10.0.0.3:25\n", " mailer smtp1 127.0.0.1:1\n"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(rendered(r.text), Catch::Contains(r.contains));
  }
}

TEST_CASE("haproxy rewrite: the user's trust is kept as written when their CA issues the clients") {
  auto in = loopback_inputs();
  in.client_ca.reset();
  CHECK_THAT(rendered("frontend fe\n bind :443 ssl crt /a.pem ca-file company-ca.pem verify required\n", in),
             Catch::Contains("ca-file /etc/haproxy/company-ca.pem verify required"));
  CHECK_THAT(rendered("global\n ca-base /etc/ssl/certs\nfrontend fe\n bind :443 ssl crt /a.pem ca-file company.pem\n", in),
             Catch::Contains("ca-file company.pem"));
}

TEST_CASE("haproxy rewrite: everything else stays as written, byte for byte") {
  const std::string kept =
      "# header comment\n"
      "defaults\n"
      "    mode    http\n"
      "    timeout client  30s   # why\n"
      "frontend fe\n"
      "    http-request set-header X-Client-DN %{+Q}[ssl_c_s_dn]\n"
      "    http-request deny unless { ssl_c_s_dn(cn) -m str 'orders' }\n"
      "    .if defined(FOO)\n"
      "    use_backend be if { path_beg /api }\n"
      "    .endif\n"
      "\n";
  CHECK(rendered(kept) == kept);
}

TEST_CASE("haproxy rewrite: every change names the user's file and line") {
  const auto r = rewrite(parse_text("global\n  daemon\nfrontend fe\n  bind :443 ssl crt /a.pem\n", "h.cfg"),
                         loopback_inputs());
  REQUIRE(r.changes.size() == 2);
  CHECK(r.changes[0].label() == "h.cfg:2 daemon (the harness runs HAProxy in the foreground and stops it by its PID) removed");
  CHECK(r.changes[1].label() == "h.cfg:4 bind :443 ssl crt /a.pem → 127.0.0.1:40443 ssl crt /fx/server.pem");
  REQUIRE(r.origin.size() == 4);
  CHECK(r.origin[3].line == 4);
}

TEST_CASE("haproxy rewrite: what cannot be mapped safely is an error naming file:line") {
  struct Row { const char* text; const char* error; };
  const Row rows[] = {
      {"frontend fe\n bind /run/h.sock ssl crt /a.pem\n", "h.cfg:2: bind /run/h.sock: a unix socket"},
      {"frontend fe\n bind unix@/run/h.sock ssl crt /a.pem\n", "h.cfg:2: bind unix@/run/h.sock: not a TCP listener"},
      {"frontend fe\n bind :8000-8010\n", "h.cfg:2: bind :8000-8010: cannot read one port in it (a port range)"},
      {"frontend fe\n bind \"${LISTEN}\" ssl crt /a.pem\n", "h.cfg:2: bind ${LISTEN}: an address from an environment variable"},
      {"frontend fe\n bind :443 ssl crt-list /l.txt\n", "h.cfg:2: bind ... crt-list /l.txt: a certificate list"},
      {"frontend fe\n bind :443 accept-proxy ssl crt /a.pem\n", "h.cfg:2: bind ... accept-proxy"},
      {"frontend fe\n bind :443 ssl crt /a.pem\n tcp-request connection expect-proxy layer4 if TRUE\n",
       "h.cfg:3: tcp-request ... expect-proxy"},
      {"global\n lua-load /etc/haproxy/auth.lua\nfrontend fe\n bind :443 ssl crt /a.pem\n", "h.cfg:2: lua-load: Lua code"},
      {"program api\n command /usr/bin/api\nfrontend fe\n bind :443 ssl crt /a.pem\n",
       "h.cfg:1: program api: HAProxy would start an external program"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    CHECK_THAT(error_of([&] {
                 const auto c = parse_text(r.text, "h.cfg");
                 (void)facts(c, "h.cfg", "443");
                 (void)rewrite(c, loopback_inputs());
               }),
               Catch::Contains(r.error));
  }
}

TEST_CASE("haproxy facts: the bind cases go to, and how it verifies clients") {
  struct Row { const char* text; const char* wanted; int port; const char* verify; bool crl; };
  const Row rows[] = {
      {"frontend fe\n bind :443 ssl crt /a.pem ca-file /c.pem verify required crl-file /x\n", "", 443, "required", true},
      {"frontend fe\n bind :443 ssl crt /a.pem ca-file /c.pem verify optional\n", "", 443, "optional", false},
      // HAProxy's default: no client certificate is asked for.
      {"frontend fe\n bind :443 ssl crt /a.pem ca-file /c.pem\n", "", 443, "none", false},
      {"frontend stats\n bind :8404\nfrontend fe\n bind :443 ssl crt /a.pem verify required\n", "", 443, "required", false},
      {"listen l\n bind :443 ssl crt /a.pem\n bind :8443 ssl crt /a.pem verify required\n", "8443", 8443, "required", false},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    const auto f = facts(parse_text(r.text, "h.cfg"), "h.cfg", r.wanted);
    CHECK(f.chosen_port == r.port);
    CHECK(f.verify == r.verify);
    CHECK(f.crl == r.crl);
  }
  CHECK_THAT(error_of([] { facts(parse_text("listen l\n bind :443 ssl crt /a\n bind :8443 ssl crt /a\n", "h.cfg"), "h.cfg", ""); }),
             Catch::Contains("several TLS listeners (443, 8443)") && Catch::Contains("listener = \"443\""));
  CHECK_THAT(error_of([] { facts(parse_text("frontend fe\n bind :80\n", "h.cfg"), "h.cfg", ""); }),
             Catch::Contains("serves no TLS"));
  CHECK_THAT(error_of([] { facts(parse_text("backend be\n server a 1.2.3.4:80\n", "h.cfg"), "h.cfg", ""); }),
             Catch::Contains("no bind line"));
}
