// A user's own gateway config (nginx, HAProxy, Apache httpd, Caddy) gated end to end through the binary: the
// shipped examples green unchanged, each broken variant red naming its fault, the gateway's
// config check refusing as exit 3 naming the user's file:line, an unmappable directive as exit
// 2, the rewrite in report.json, and the gateway never left running.
#include <catch2/catch.hpp>
#include <algorithm>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "prerequisites.hpp"
#include "run/run_cli.hpp"

using namespace mtls;
namespace fs = std::filesystem;

namespace {

struct Row {
  const char* gateway;   // what must be installed
  const char* scenario;  // under scenarios/own-*/ or tests/userconf/configs/
  int exit_code;
  const char* output_part;
};

const Row kRows[] = {
    {"nginx", "scenarios/own-nginx/gate.toml", 0, "own-nginx: 20 passed, 0 failed, 0 errors, 0 skipped of 20"},
    {"nginx", "scenarios/own-nginx/gate.toml", 0, "api.conf:20 ssl_client_certificate /etc/nginx/tls/ca.crt → "},
    {"nginx", "scenarios/own-nginx/gate.toml", 0, "api.conf:6 server 10.20.0.7:8080 → 127.0.0.1:"},
    {"nginx", "scenarios/own-nginx/gate-no-crl.toml", 1,
     "MISMATCH revoked [TLS 1.2]: expected reject at HTTP 400 (certificate_revoked), got HTTP 200 — "
     "the gateway accepted a revoked certificate"},
    {"nginx", "scenarios/own-nginx/gate-optional-unchecked.toml", 1,
     "MISMATCH no certificate [TLS 1.3]: expected reject at HTTP 400 (no_certificate), got HTTP 200 — "
     "the gateway accepted a client that sent no certificate"},
    {"nginx", "scenarios/own-nginx/gate-depth-too-large.toml", 1,
     "MISMATCH too deep [TLS 1.2]: expected reject at HTTP 400 (chain_too_long), got HTTP 200 — the "
     "gateway accepted a chain deeper than its verify depth"},
    // optional + `if ($ssl_client_verify != SUCCESS) { return 403; }`, upstream by host name.
    {"nginx", "tests/userconf/configs/optional-403.toml", 0, "optional-403: 12 passed, 0 failed, 0 errors, 0 skipped of 12"},
    {"nginx", "tests/userconf/configs/optional-403.toml", 0, "optional-403.conf:4 server app.internal.example:8080 → 127.0.0.1:"},
    {"nginx", "tests/userconf/configs/optional-403.toml", 0, "optional-403.conf:20 proxy_pass https://app/ → http://app/"},
    {"nginx", "tests/userconf/configs/nginx-t-refuses.toml", 3,
     "nginx: [emerg] unknown directive \"ssl_verify_clients\" in "},
    {"nginx", "tests/userconf/configs/nginx-t-refuses.toml", 3, "nginx-t-refuses.conf:5"},
    {"nginx", "tests/userconf/configs/variable-cert.toml", 2,
     "variable-cert.conf:4: ssl_certificate /etc/nginx/tls/$ssl_server_name.crt: a certificate "
     "loaded from a variable"},
    {"haproxy", "scenarios/own-haproxy/gate.toml", 0, "own-haproxy: 20 passed, 0 failed, 0 errors, 0 skipped of 20"},
    {"haproxy", "scenarios/own-haproxy/gate.toml", 0,
     "haproxy.cfg:44 server app1 10.0.1.11:8080 check → app1 127.0.0.1:"},
    {"haproxy", "scenarios/own-haproxy/gate.toml", 0, "haproxy.cfg:13 daemon (the harness runs HAProxy"},
    {"haproxy", "scenarios/own-haproxy/gate-no-crl.toml", 1,
     "MISMATCH revoked [TLS 1.2]: expected reject at TLS alert certificate_revoked (certificate_revoked), got "
     "HTTP 200 — the gateway accepted a revoked certificate"},
    {"haproxy", "scenarios/own-haproxy/gate-optional-unchecked.toml", 1,
     "MISMATCH no certificate [TLS 1.3]: expected reject at TLS alert certificate_required (no_certificate), "
     "got HTTP 200 — the gateway accepted a client that sent no certificate"},
    {"haproxy", "scenarios/own-haproxy/gate-ignore-errors.toml", 1,
     "MISMATCH expired [TLS 1.2]: expected reject at TLS alert certificate_expired (certificate_expired), got "
     "HTTP 200 — the gateway accepted an expired certificate"},
    {"haproxy", "tests/userconf/configs/haproxy-c-refuses.toml", 3, "haproxy-c-refuses.cfg:8"},
    // What reaches the backend: a client-sent X-Client-DN must be replaced by the gateway's.
    {"nginx", "scenarios/own-nginx/gate-forged-dn.toml", 1,
     "MISMATCH forged identity header [TLS 1.2]: the backend received X-Client-DN: 'CN=admin,O=mtls-harness', "
     "expected 'CN=alice.payments,*'"},
    {"nginx", "scenarios/own-nginx/gate.toml", 0, "HTTP 200; backend: reached, X-Client-DN=CN=alice.payments,"},
    // SNI of a server without client verification, Host of one with it: nginx says 421.
    {"nginx", "tests/userconf/configs/vhosts.toml", 0, "HTTP 421 (421 Misdirected Request); backend: not reached"},
    {"nginx", "scenarios/own-nginx/gate.toml", 0, "HTTP 400 (400 The SSL certificate error); backend: not reached"},
    {"haproxy", "scenarios/own-haproxy/gate-forged-dn.toml", 1,
     "MISMATCH forged identity header [TLS 1.3]: the backend received the client's own X-Client-DN: "
     "'CN=admin,O=mtls-harness' — the gateway passed a forged identity header on instead of overwriting it"},
    {"apache", "scenarios/own-apache/gate.toml", 0, "own-apache: 20 passed, 0 failed, 0 errors, 0 skipped of 20"},
    {"apache", "scenarios/own-apache/gate.toml", 0, "api.conf:32 ProxyPass / http://10.0.2.15:8080/ → / http://127.0.0.1:"},
    {"apache", "scenarios/own-apache/gate.toml", 0, "api.conf:5 <VirtualHost> *:443 → 127.0.0.1:"},
    {"apache", "scenarios/own-apache/gate-crl-unchecked.toml", 1,
     "MISMATCH revoked [TLS 1.2]: expected reject at TLS alert certificate_revoked (certificate_revoked), got "
     "HTTP 200 — the gateway accepted a revoked certificate"},
    {"apache", "scenarios/own-apache/gate-optional-unchecked.toml", 1,
     "MISMATCH no certificate [TLS 1.2]: expected reject at TLS alert handshake_failure (no_certificate), got "
     "HTTP 200 — the gateway accepted a client that sent no certificate"},
    {"apache", "scenarios/own-apache/gate-depth-too-large.toml", 1,
     "MISMATCH too deep [TLS 1.3]: expected reject at TLS alert internal_error (chain_too_long), got HTTP 200 — "
     "the gateway accepted a chain deeper than its verify depth"},
    {"apache", "tests/userconf/configs/apache-t-refuses.toml", 3, "Syntax error on line 5 of "},
    {"apache", "tests/userconf/configs/apache-t-refuses.toml", 3, "apache-t-refuses.conf:"},
    {"apache", "tests/userconf/configs/apache-fcgi.toml", 2,
     "apache-fcgi.conf:6: ProxyPass fcgi://10.0.0.9:9000/: the harness's loopback backend speaks HTTP only"},
    {"caddy", "scenarios/own-caddy/gate.toml", 0, "own-caddy: 16 passed, 0 failed, 0 errors, 0 skipped of 16"},
    {"caddy", "scenarios/own-caddy/gate.toml", 0, "Caddyfile:33 reverse_proxy 10.0.3.21:8080 10.0.3.22:8080 → http://127.0.0.1:"},
    {"caddy", "scenarios/own-caddy/gate.toml", 0, "Caddyfile:25 site localhost → https://localhost:"},
    {"caddy", "scenarios/own-caddy/gate-require-unverified.toml", 1,
     "MISMATCH another CA [TLS 1.2]: expected reject at TLS alert bad_certificate (unknown_ca), got HTTP 200 — "
     "the gateway accepted a certificate issued by an unknown CA"},
    {"caddy", "scenarios/own-caddy/gate-optional-unchecked.toml", 1,
     "MISMATCH no certificate [TLS 1.3]: expected reject at TLS alert bad_certificate (no_certificate), got HTTP "
     "200 — the gateway accepted a client that sent no certificate"},
    {"caddy", "tests/userconf/configs/caddy-validate-refuses.toml", 3,
     "caddy-validate-refuses.caddyfile:6 - Error during parsing: unknown subdirective for client_auth"},
    {"caddy", "tests/userconf/configs/caddy-php.toml", 2,
     "caddy-php.caddyfile:7: php_fastcgi: the harness's loopback backend speaks HTTP only"},
    // The built-in checks ([checks]), each with a config that passes and one that fails.
    {"nginx", "scenarios/own-nginx/gate.toml", 0,
     "spoofed_identity_headers: valid client 'alice' sends forged X-Client-DN, X-Client-Verify            1.3  the "
     "backend sees the gateway's identity headers, or none, never the client's  HTTP 200; backend: reached, "
     "X-Client-DN=CN=alice.payments"},
    {"nginx", "scenarios/own-nginx/gate.toml", 0, "5 of 5 logged with a reason: no certificate no required SSL certifi"},
    {"nginx", "scenarios/own-nginx/gate-forged-dn.toml", 1,
     "MISMATCH spoofed_identity_headers: valid client 'alice' sends forged X-Client-DN [TLS 1.3]: the backend "
     "received the client's forged X-Client-DN: 'CN=admin,O=forged-by-mtls-harness' (the config sets it only on "
     "the answer ("},
    {"nginx", "scenarios/own-nginx/gate-forged-dn.toml", 1,
     "own-nginx/broken/forged-dn.conf:26 add_header X-Client-DN $ssl_client_s_dn always), never on the "
     "forwarded request; fix: proxy_set_header X-Client-DN $ssl_client_s_dn;"},
    {"haproxy", "scenarios/own-haproxy/gate-forged-dn.toml", 1,
     "the backend received the client's forged X-Client-DN: 'CN=admin,O=forged-by-mtls-harness' (the config sets "
     "it only on the answer ("},
    {"haproxy", "scenarios/own-haproxy/gate-forged-dn.toml", 1,
     "own-haproxy/broken/forged-dn.cfg:30 http-response set-header X-Client-DN "
     "%[ssl_c_s_dn(,0,rfc2253)]), never on the forwarded request; fix: http-request set-header X-Client-DN"},
    {"nginx", "scenarios/own-nginx/gate-optional-unchecked.toml", 1,
     "MISMATCH requested_vs_required: a client without a certificate [TLS 1.2]: the gateway only requests a "
     "certificate (optional-unchecked.conf: verify optional) and a client without one reached the backend with "
     "X-Client-Verify: NONE"},
    {"haproxy", "scenarios/own-haproxy/gate-optional-unchecked.toml", 1,
     "MISMATCH requested_vs_required: a client without a certificate [TLS 1.3]: the gateway only requests a "
     "certificate (optional-unchecked.cfg: verify optional) and a client without one reached the backend"},
    {"nginx", "scenarios/own-nginx/gate-refusals-unlogged.toml", 1,
     "MISMATCH refusals_logged: 5 refused case(s) in the nginx error log [TLS 1.2]: not logged at all: no "
     "certificate, expired, revoked, another CA, too deep; fix: nginx logs refused client certificates at level "
     "info: write error_log FILE info;"},
    {"apache", "scenarios/own-apache/gate.toml", 0, "6 of 6 logged with a reason: no certificate SSL routines::peer did"},
    {"caddy", "scenarios/own-caddy/gate.toml", 0, "4 of 4 logged with a reason: no certificate tls: client didn't prov"},
    {"nginx", "tests/userconf/configs/vhosts.toml", 0,
     "sni_host_mismatch: SNI 'public.example' + Host 'internal-api.example' without a certificate  1.3  refused "
     "(421, 400 or 403, or at TLS), the backend not reached           HTTP 421 (421 Misdirected Request); backend: "
     "not reached                pass"},
    {"caddy", "tests/userconf/configs/caddy-vhosts.toml", 0, "caddy-vhosts: 11 passed, 0 failed, 0 errors, 0 skipped of 11"},
    {"caddy", "tests/userconf/configs/caddy-vhosts.toml", 0, "HTTP 421; backend: not reached"},
    {"caddy", "tests/userconf/configs/caddy-sni-bypass.toml", 1,
     "MISMATCH sni_host_mismatch: SNI 'public.example' + Host 'internal-api.example' without a certificate [TLS "
     "1.3]: mTLS bypass: SNI 'public.example' + Host 'internal-api.example' reached the backend without a client "
     "certificate (HTTP 200; backend: reached"},
    {"haproxy", "tests/userconf/configs/haproxy-crt-list.toml", 2,
     "haproxy-crt-list.cfg:2: bind ... crt-list /etc/haproxy/crt-list.txt: a certificate list"},
};

bool alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

// A process whose command line holds `word`.
bool running_with(const std::string& word) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline;
    try {
      cmdline = common::read_file(e.path() / "cmdline");
    } catch (const std::exception&) {
      continue;  // gone meanwhile
    }
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("own gateway config: gated unchanged, broken variants named, gateway stopped") {
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    const auto& row = kRows[i];
    if (!test::installed(row.gateway)) continue;
    // Short: Catch cannot wrap a long section name under deep indentation.
    DYNAMIC_SECTION("row " << i << ": " << fs::path(row.scenario).filename().string()) {
      INFO("expecting: " << row.output_part);
      const auto work = test::scratch("own-nginx");
      const auto r = test::run_harness({"run", (test::source_root() / row.scenario).string(),
                                        "--reports", (work / "reports").string(), "--fixtures",
                                        (work / "fixtures").string()},
                                       work);
      INFO(r.output);
      CHECK(r.exit_code == row.exit_code);
      CHECK_THAT(r.output, Catch::Contains(row.output_part));
      // Whatever happened, the gateway of this run is gone (HAProxy in the foreground
      // writes no pid file: its command line names the run's rendered config).
      if (fs::exists(work / "reports"))
        for (const auto& e : fs::recursive_directory_iterator(work / "reports")) {
          if (e.path().filename() == "nginx.pid") CHECK_FALSE(alive(std::stoi(common::read_file(e.path()))));
          if (e.path().filename() == "haproxy.cfg" || e.path().filename() == "apache.conf" ||
              e.path().filename() == "Caddyfile")
            CHECK_FALSE(running_with(e.path().string()));
        }
    }
  }
}

TEST_CASE("own nginx config: the rewrite is in report.json") {
  if (!test::installed("nginx")) return;
  const auto work = test::scratch("own-nginx-json");
  const auto r = test::run_harness({"run", (test::source_root() / "scenarios/own-nginx/gate.toml").string(),
                                    "--reports", (work / "reports").string(), "--fixtures",
                                    (work / "fixtures").string()},
                                   work);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto doc = nlohmann::json::parse(common::read_file(work / "reports/own-nginx/report.json"));
  const auto& tc = doc.at("meta").at("target_config");
  CHECK(tc.at("source").get<std::string>().ends_with("scenarios/own-nginx/api.conf"));
  CHECK(fs::exists(tc.at("rendered").get<std::string>()));
  bool trust = false;
  for (const auto& c : tc.at("changes"))
    if (c.at("directive") == "ssl_client_certificate") {
      trust = true;
      CHECK(c.at("from") == "/etc/nginx/tls/ca.crt");
      CHECK(c.at("where").get<std::string>().ends_with("api.conf:20"));
    }
  CHECK(trust);
  REQUIRE(tc.at("listeners").size() == 1);
  CHECK(tc.at("listeners")[0].at("written_port") == 443);
  CHECK(tc.at("listeners")[0].at("cases") == true);
  // The rendered copy listens on loopback only and proxies to the harness's backend.
  const auto text = common::read_file(tc.at("rendered").get<std::string>());
  CHECK_THAT(text, !Catch::Contains("10.20.0.7") && !Catch::Contains("listen 443"));
}

TEST_CASE("own gateway config: validate reads the config too, before any gateway starts") {
  struct Row {
    const char* scenario;
    int exit_code;
    const char* output_part;
  };
  const Row rows[] = {
      {"tests/userconf/configs/haproxy-crt-list.toml", 2, "haproxy-crt-list.cfg:2: bind ... crt-list"},
      {"tests/userconf/configs/variable-cert.toml", 2, "variable-cert.conf:4: ssl_certificate"},
      {"tests/userconf/configs/caddy-php.toml", 2, "caddy-php.caddyfile:7: php_fastcgi"},
      {"ci/examples/gate.toml", 0, "(config gateway.conf read)"},
  };
  for (const auto& row : rows) {
    INFO(row.scenario);
    const auto work = test::scratch("own-config-validate");
    const auto r = test::run_harness({"validate", (test::source_root() / row.scenario).string()}, work);
    INFO(r.output);
    CHECK(r.exit_code == row.exit_code);
    CHECK_THAT(r.output, Catch::Contains(row.output_part));
  }
}
