// Which lines of a launched gateway's own log show that the gateway failed for reasons of its
// own. Every row is a line the real gateway wrote (Debian's nginx 1.22, apache2 2.4, HAProxy
// 2.6, Caddy 2.6), with only addresses, pids and temporary paths changed.
#include <catch2/catch.hpp>
#include <string>

#include "target/gateway_log.hpp"

using namespace mtls;

namespace {

struct Row {
  const char* gateway;
  const char* line;
  bool internal;
  const char* what;  // why the line is (not) the gateway's own failure
};

constexpr Row kRows[] = {
    // nginx: client certificates refused (the cases themselves), and handshakes the client
    // broke off, are not internal; upstreams and files the workers cannot open are.
    {"nginx", "2026/12/03 08:20:01 [info] 17100#17100: *3 client SSL certificate verify error: (21:unable to verify the first certificate) while reading client request headers, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", host: \"localhost:18444\"", false, "certificate refused"},
    {"nginx", "2026/12/03 08:20:01 [info] 17100#17100: *5 client sent no required SSL certificate while reading client request headers, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", host: \"localhost:18444\"", false, "no certificate"},
    {"nginx", "2026/12/03 08:20:01 [info] 17100#17100: *2 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 127.0.0.1, server: 127.0.0.1:18444", false, "handshake the client broke"},
    {"nginx", "2026/12/03 08:20:01 [info] 17100#17100: *1 client 127.0.0.1 closed keepalive connection", false, "ordinary close"},
    {"nginx", "2026/12/03 08:20:00 [notice] 17098#17098: start worker process 17100", false, "startup"},
    {"nginx", "2026/12/03 08:20:01 [error] 17100#17100: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: localhost, request: \"GET /up HTTP/1.1\", upstream: \"http://127.0.0.1:1/\", host: \"localhost:18444\"", true, "upstream refused"},
    {"nginx", "2026/12/03 08:20:10 [error] 17162#17162: *1 open() \"/tmp/tmp.Qx3Ab9/f/x.html\" failed (13: Permission denied), client: 127.0.0.1, server: localhost, request: \"GET /f/x.html HTTP/1.1\", host: \"localhost:18444\"", true, "file the worker cannot read"},
    {"nginx", "2026/12/03 08:32:06 [info] 24296#24296: *24 client SSL certificate verify error: (66:EE certificate key too weak) while reading client request headers, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", host: \"localhost:51817\"", false, "weak key"},
    {"nginx", "2026/12/03 08:32:06 [crit] 24296#24296: *26 SSL_do_handshake() failed (SSL: error:0A00007B:SSL routines::bad signature) while SSL handshaking, client: 127.0.0.1, server: 127.0.0.1:51817", false, "key mismatch, logged at crit"},
    {"nginx", "2026/12/03 08:32:31 [error] 24563#24563: *2 recv() failed (111: Connection refused) while requesting certificate status, responder: 127.0.0.1, peer: 127.0.0.1:53877", false, "OCSP responder down: the fault an ocsp scenario tests"},
    {"nginx", "2026/12/03 08:32:31 [error] 24563#24563: *2 OCSP responder prematurely closed connection while requesting certificate status, responder: 127.0.0.1, peer: 127.0.0.1:53877", false, "OCSP responder down"},
    {"nginx", "2026/12/03 08:32:31 [info] 24563#24563: *2 client SSL certificate verify error: certificate status request failed while reading client request headers, client: 127.0.0.1, server: localhost, request: \"GET / HTTP/1.1\", host: \"localhost:58221\"", false, "OCSP answer missing"},
    // Apache httpd: what mod_ssl logs about client certificates is not internal; a path the
    // children (nobody) cannot search, or an .htaccess they cannot read, is.
    {"apache", "[Thu Dec 03 08:18:56.275977 2026] [core:crit] [pid 16285:tid 16287] (13)Permission denied: [client 127.0.0.1:40402] AH00529: /tmp/tmp.Qx3Ab9/.htaccess pcfg_openfile: unable to check htaccess file, ensure it is readable and that '/tmp/tmp.Qx3Ab9/' is executable", true, "htaccess the children cannot read"},
    {"apache", "[Thu Dec 03 08:18:57.864077 2026] [core:error] [pid 16316:tid 16318] (13)Permission denied: [client 127.0.0.1:40410] AH00035: access to / denied (filesystem path '/tmp/tmp.Qx3Ab9/rt') because search permissions are missing on a component of the path", true, "document root the children cannot enter"},
    {"apache", "[Thu Dec 03 08:32:02.941465 2026] [ssl:info] [pid 24254:tid 24265] [client 127.0.0.1:59632] AH02276: Certificate Verification: Error (10): certificate has expired [subject: CN=expired,O=mtls-harness / issuer: CN=mtls-harness Intermediate CA,O=mtls-harness / serial: 6F544090553FD3D98031AB0E47545589 / notbefore: Nov  3 08:31:53 2026 GMT / notafter: Dec  2 08:31:53 2026 GMT]", false, "certificate refused"},
    {"apache", "[Thu Dec 03 08:32:03.481849 2026] [ssl:error] [pid 24254:tid 24279] [client 127.0.0.1:59740] AH02040: Certificate Verification: Certificate Chain too long (chain has 4 certificates, but maximum allowed are only 2)", false, "chain too deep, logged at error"},
    {"apache", "[Thu Dec 03 08:32:03.716044 2026] [authz_core:error] [pid 24254:tid 24260] [client 127.0.0.1:59804] AH01630: client denied by server configuration: /usr/lib/apache2/modules/", false, "not on the allow-list: 403 by policy"},
    {"apache", "[Thu Dec 03 08:32:02.615946 2026] [ssl:info] [pid 24254:tid 24256] (70014)End of file found: [client 127.0.0.1:59556] AH02006: SSL handshake stopped: connection was closed", false, "client closed"},
    {"apache", "[Thu Dec 03 08:18:56.269055 2026] [ssl:info] [pid 16285:tid 16287] [client 127.0.0.1:40402] AH01964: Connection to child 0 established (server localhost:443)", false, "connection"},
    {"apache", "[Thu Dec 03 08:18:54.788332 2026] [ssl:warn] [pid 16283:tid 16283] AH01882: Init: this version of mod_ssl was compiled against a newer library (OpenSSL 3.0.22 25 Aug 2026 (OpenSSL 3.0.19 27 Jan 2026), version currently loaded is 0x30000130) - may result in undefined or erroneous behavior", false, "startup warning"},
    // HAProxy (httplog on stderr): a 5xx its server side caused is internal; "SSL handshake
    // failure" and an untrusted client certificate are the client's.
    {"haproxy", "<6>127.0.0.1:44040 [03/Dec/2026:08:20:11.675] mtls~ down/s1 0/0/-1/-1/3008 503 217 - - SC-- 1/1/0/0/3 0/0 \"GET /up HTTP/1.1\"", true, "server refused the connection"},
    {"haproxy", "<6>127.0.0.1:44004 [03/Dec/2026:08:20:11.499] mtls~ echo/<NOSRV> 0/-1/-1/-1/0 200 73 - - LR-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"", false, "answered by HAProxy itself"},
    {"haproxy", "<6>127.0.0.1:44012 [03/Dec/2026:08:20:11.535] mtls/1: SSL client certificate not trusted", false, "certificate refused"},
    {"haproxy", "<6>127.0.0.1:44024 [03/Dec/2026:08:20:11.584] mtls/1: SSL handshake failure", false, "no certificate"},
    {"haproxy", "<6>127.0.0.1:59812 [03/Dec/2026:08:32:05.001] mtls~ mtls/<NOSRV> 0/-1/-1/-1/0 403 192 - - PR-- 2/2/0/0/0 0/0 \"GET / HTTP/1.1\"", false, "not on the allow-list: 403 by policy"},
    {"haproxy", "<6>127.0.0.1:59556 [03/Dec/2026:08:32:04.120] mtls/1: Connection closed during SSL handshake", false, "client closed"},
    // Caddy (JSON): a handler error with a 5xx is internal.
    {"caddy", R"re({"level":"error","ts":1796286027.9009275,"logger":"http.log.error","msg":"dial tcp 127.0.0.1:1: connect: connection refused","request":{"remote_ip":"127.0.0.1","remote_port":"52212","proto":"HTTP/2.0","method":"GET","host":"localhost:18446","uri":"/up"},"duration":0.000536761,"status":502,"err_id":"fc0i27h97","err_trace":"reverseproxy.statusError (reverseproxy.go:1272)"})re", true, "upstream refused"},
    {"caddy", R"re({"level":"warn","ts":1796286025.9111855,"logger":"tls","msg":"stapling OCSP","error":"no OCSP stapling for [localhost]: no OCSP server specified in certificate"})re", false, "startup warning"},
    {"caddy", R"re({"level":"info","ts":1796286025.9247687,"logger":"http.log","msg":"server running","name":"srv0","protocols":["h1","h2","h3"]})re", false, "startup"},
};

}  // namespace

TEST_CASE("gateway log lines: internal failures versus refused clients", "[gateway-log]") {
  const auto& row = GENERATE(from_range(std::begin(kRows), std::end(kRows)));
  INFO(row.gateway << " (" << row.what << "): " << row.line);
  const auto got = target::internal_error_line(row.gateway, row.line);
  if (row.internal) {
    REQUIRE(got.has_value());
    CHECK(*got == row.line);
  } else {
    CHECK_FALSE(got.has_value());
  }
}

TEST_CASE("the first internal line of a log, without its line break", "[gateway-log]") {
  const std::string log =
      "2026/12/03 08:20:01 [info] 1#1: *3 client sent no required SSL certificate while reading client request headers\n"
      "2026/12/03 08:20:01 [error] 1#1: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1\r\n"
      "2026/12/03 08:20:02 [error] 1#1: *8 no live upstreams while connecting to upstream, client: 127.0.0.1\n";
  CHECK(target::internal_error_line("nginx", log) ==
        "2026/12/03 08:20:01 [error] 1#1: *7 connect() failed (111: Connection refused) while "
        "connecting to upstream, client: 127.0.0.1");
  // A target with no log of its own, or one whose lines are not known, is never judged by it.
  CHECK_FALSE(target::internal_error_line("embedded", log).has_value());
  CHECK_FALSE(target::internal_error_line("external", "Permission denied").has_value());
}

TEST_CASE("log labels name the gateway's log", "[gateway-log]") {
  CHECK(target::log_label("apache") == "apache error log");
  CHECK(target::log_label("nginx") == "nginx error log");
  CHECK(target::log_label("haproxy") == "haproxy log");
  CHECK(target::log_label("caddy") == "caddy log");
}
