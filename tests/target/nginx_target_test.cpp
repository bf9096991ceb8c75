// A real nginx launched by start_nginx from each template under fixtures/nginx/, probed with
// the harness's own libcurl probe. The verify-on table pins what nginx 1.22 answers for every
// client-certificate fault (fixtures/nginx/README.md has the same table).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "common/files.hpp"
#include "common/process.hpp"
#include "prerequisites.hpp"
#include "probe/probe.hpp"
#include "support.hpp"
#include "target/nginx_target.hpp"

namespace fs = std::filesystem;
using namespace mtls;
using scenario::Fault;
using scenario::TlsVersion;
using target::nginx::NginxTarget;

namespace {

constexpr const char* no_cert_text = "No required SSL certificate was sent";
constexpr const char* cert_error_text = "The SSL certificate error";
constexpr TlsVersion both_versions[] = {TlsVersion::tls1_2, TlsVersion::tls1_3};

pki::test::TempDir& scratch() {
  static pki::test::TempDir dir("nginx");
  return dir;
}

// Every fault (tests/pki's scenario, CN "client-<name>") plus a CN that needs RFC 2253
// escaping, so the allow-cn map is exercised with what nginx really puts in $ssl_client_s_dn.
scenario::Scenario base_scenario() {
  auto s = pki::test::every_fault_scenario("nginx-faults");
  auto comma = pki::test::identity("comma", Fault::none);
  comma.common_name = "client, comma";
  s.identities.push_back(comma);
  s.target.kind = scenario::TargetKind::nginx;
  s.target.profile = "nginx";
  s.target.allow.common_names = {"client-valid", "client, comma"};
  return s;
}

const pki::Fixtures& fixtures() {
  static const pki::Fixtures f = [] {
    pki::Options o;
    o.fixtures_root = scratch().path();
    return pki::materialize(base_scenario(), o);
  }();
  return f;
}

std::vector<double>& start_times_ms() {
  static std::vector<double> times;
  return times;
}

std::unique_ptr<NginxTarget> start(const std::string& tmpl,
                                   const std::function<void(scenario::Scenario&)>& change = {}) {
  static int counter = 0;
  auto s = base_scenario();
  s.target.nginx_template = tmpl;
  if (change) change(s);
  target::StartOptions o;
  o.runtime_dir = scratch().path() / ("run-" + tmpl + "-" + std::to_string(++counter));
  auto t = target::start_nginx(s, fixtures(), o);
  auto* n = dynamic_cast<NginxTarget*>(t.get());
  REQUIRE(n != nullptr);
  start_times_ms().push_back(static_cast<double>(n->startup_time().count()) / 1000.0);
  t.release();
  return std::unique_ptr<NginxTarget>(n);
}

probe::Outcome call(const target::Endpoint& ep, const std::string& identity, TlsVersion v) {
  probe::Request r;
  r.url = ep.url("/");
  r.connect_host = ep.host;
  r.connect_port = ep.port;
  r.trust = ep.trust.string();
  r.version = v;
  r.body_limit = 4096;
  if (identity != "none") {
    const auto* id = fixtures().find(identity);
    REQUIRE(id != nullptr);
    r.client = tlsclient::ClientCredentials{id->cert, id->chain, id->key,
                                            id->fault == Fault::weak_key,
                                            id->fault == Fault::key_mismatch};
  }
  return probe::run(r);
}

std::string header(const probe::Outcome& o, const std::string& name) {
  auto it = o.headers.find(name);
  return it == o.headers.end() ? "<absent>" : it->second;
}

// nginx logs a handshake failure right after sending its alert: give it a moment.
std::string wait_for_log(const NginxTarget& t, std::size_t from, const std::string& needle) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    const auto all = t.log_since_start();
    text = all.size() > from ? all.substr(from) : "";
    if (text.find(needle) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return text;
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

// What one request is expected to get: an HTTP answer, or (status 0) a server alert.
struct Expect {
  const char* identity;
  int status;
  const char* body;           // substring of the body
  const char* client_verify;  // X-Client-Verify
  const char* log;            // substring of the error.log lines this request wrote
  const char* alert = "";     // server's fatal alert when there is no HTTP answer
};

void check_row(const NginxTarget& t, const Expect& e) {
  for (auto v : both_versions) {
    INFO(e.identity << " over " << scenario::to_string(v));
    const auto before = t.log_since_start().size();
    const auto o = call(t.endpoint(), e.identity, v);
    INFO("curl: " << o.curl_error << "\nbody: " << o.body);
    CHECK(o.http_status == e.status);
    if (e.status != 0) {
      CHECK_THAT(o.body, Catch::Contains(e.body));
      CHECK(header(o, "x-client-verify") == e.client_verify);
    } else {
      REQUIRE(o.server_alert() != nullptr);
      CHECK(o.server_alert()->name == e.alert);
      // TLS 1.3: the client finished its side before the server judged the certificate.
      CHECK(o.server_alert()->during_handshake == (v == TlsVersion::tls1_2));
    }
    const auto log = wait_for_log(t, before, e.log);
    if (*e.log) CHECK_THAT(log, Catch::Contains(e.log));
    else CHECK(log.find("client SSL certificate verify error") == std::string::npos);
  }
}

}  // namespace

TEST_CASE("each template starts, listens, answers a valid client and stops", "[nginx]") {
  if (!test::installed("nginx")) return;
  const auto tmpl = GENERATE(as<std::string>{}, "verify-on", "optional-403",
                             "optional-no-enforce", "no-crl", "allow-cn");
  auto t = start(tmpl);
  const pid_t pid = t->pid();
  CHECK(pid > 0);
  CHECK(process_exists(pid));
  CHECK_THAT(t->describe(), Catch::StartsWith("nginx 1.") &&
                                Catch::EndsWith("(template " + tmpl + ")"));
  const auto ep = t->endpoint();
  CHECK(ep.host == "127.0.0.1");
  CHECK(ep.server_name == "localhost");
  CHECK(ep.trust == fixtures().server_trust);
  CHECK(common::wait_until_listening(ep.host, ep.port, std::chrono::milliseconds(100)));

  for (auto v : both_versions) {
    INFO(scenario::to_string(v));
    const auto o = call(ep, "valid", v);
    INFO("curl: " << o.curl_error);
    CHECK(o.http_status == 200);
    CHECK(header(o, "x-client-verify") == "SUCCESS");
    CHECK_THAT(header(o, "x-client-dn"), Catch::Contains("CN=client-valid"));
    CHECK(header(o, "x-client-serial") != "<absent>");
    CHECK(header(o, "x-session-reused") == ".");
    CHECK_THAT(o.body, Catch::Contains(R"("verified":true)") &&
                           Catch::Contains(R"("tls_version":")" + std::string(
                               v == TlsVersion::tls1_2 ? "TLSv1.2" : "TLSv1.3")));
  }
  CHECK_THAT(common::read_file(t->access_log()), Catch::Contains("SUCCESS 200"));

  t->stop();
  CHECK_FALSE(process_exists(pid));
  CHECK(::kill(-pid, 0) == -1);  // no worker left in nginx's process group
  CHECK_FALSE(common::wait_until_listening(ep.host, ep.port, std::chrono::milliseconds(50)));
  t->stop();  // idempotent
}

TEST_CASE("verify-on: how nginx 1.22 refuses each client-certificate fault", "[nginx]") {
  if (!test::installed("nginx")) return;
  auto t = start("verify-on");
  // nginx completes the handshake for every verification fault and answers 400 itself;
  // $ssl_client_verify (and its log line) carries the LAST error OpenSSL's verifier saw.
  const Expect rows[] = {
      {"valid", 200, R"("verify":"SUCCESS")", "SUCCESS", ""},
      {"none", 400, no_cert_text, "NONE", "client sent no required SSL certificate"},
      {"expired", 400, cert_error_text, "FAILED:certificate has expired",
       "client SSL certificate verify error: (10:certificate has expired)"},
      {"not-yet-valid", 400, cert_error_text, "FAILED:certificate is not yet valid",
       "client SSL certificate verify error: (9:certificate is not yet valid)"},
      {"wrong-ca", 400, cert_error_text, "FAILED:unable to verify the first certificate",
       "client SSL certificate verify error: (21:unable to verify the first certificate)"},
      {"revoked", 400, cert_error_text, "FAILED:certificate revoked",
       "client SSL certificate verify error: (23:certificate revoked)"},
      {"self-signed", 400, cert_error_text, "FAILED:unable to get certificate CRL",
       "client SSL certificate verify error: (3:unable to get certificate CRL)"},
      {"wrong-eku", 400, cert_error_text, "FAILED:unsuitable certificate purpose",
       "client SSL certificate verify error: (26:unsuitable certificate purpose)"},
      {"missing-intermediate", 400, cert_error_text,
       "FAILED:unable to verify the first certificate",
       "client SSL certificate verify error: (21:unable to verify the first certificate)"},
      // Never 22 "certificate chain too long": the verifier goes on after it and the CRL
      // check of the cut-off chain has the last word.
      {"too-deep", 400, cert_error_text, "FAILED:unable to get certificate CRL",
       "client SSL certificate verify error: (3:unable to get certificate CRL)"},
      {"weak-key", 400, cert_error_text, "FAILED:EE certificate key too weak",
       "client SSL certificate verify error: (66:EE certificate key too weak)"},
      {"key-mismatch", 0, "", "", "SSL_do_handshake() failed (SSL: error:0A00007B:SSL "
       "routines::bad signature) while SSL handshaking", "decrypt_error"},
      {"not-allowed", 200, R"("verify":"SUCCESS")", "SUCCESS", ""},  // no policy here
  };
  for (const auto& row : rows) check_row(*t, row);
}

TEST_CASE("optional-403: only a missing certificate reaches the if; bad ones get 400",
          "[nginx]") {
  if (!test::installed("nginx")) return;
  auto t = start("optional-403");
  const Expect rows[] = {
      {"valid", 200, R"("verify":"SUCCESS")", "SUCCESS", ""},
      {"none", 403, "403 Forbidden", "NONE", ""},
      {"expired", 400, cert_error_text, "FAILED:certificate has expired",
       "(10:certificate has expired)"},
      {"wrong-ca", 400, cert_error_text, "FAILED:unable to verify the first certificate",
       "(21:unable to verify the first certificate)"},
      {"revoked", 400, cert_error_text, "FAILED:certificate revoked",
       "(23:certificate revoked)"},
      {"key-mismatch", 0, "", "", "bad signature", "decrypt_error"},
  };
  for (const auto& row : rows) check_row(*t, row);
}

TEST_CASE("deliberately wrong gateways let the fault through", "[nginx]") {
  if (!test::installed("nginx")) return;
  SECTION("optional-no-enforce: no certificate gets 200") {
    auto t = start("optional-no-enforce");
    check_row(*t, {"none", 200, R"("verify":"NONE")", "NONE", ""});
    check_row(*t, {"expired", 400, cert_error_text, "FAILED:certificate has expired",
                   "(10:certificate has expired)"});
  }
  SECTION("no-crl: a revoked certificate gets 200, whatever [target] crl says") {
    auto t = start("no-crl", [](scenario::Scenario& s) { s.target.crl = true; });
    check_row(*t, {"revoked", 200, R"("verify":"SUCCESS")", "SUCCESS", ""});
    // Without CRLs the verifier's last word on these changes too.
    check_row(*t, {"self-signed", 400, cert_error_text, "FAILED:self-signed certificate",
                   "(18:self-signed certificate)"});
    check_row(*t, {"too-deep", 400, cert_error_text,
                   "FAILED:unable to get local issuer certificate",
                   "(20:unable to get local issuer certificate)"});
  }
}

TEST_CASE("allow-cn: a verified client whose CN is not on the list gets 403", "[nginx]") {
  if (!test::installed("nginx")) return;
  auto t = start("allow-cn");
  const Expect rows[] = {
      {"valid", 200, R"("subject":"CN=client-valid)", "SUCCESS", ""},
      {"comma", 200, R"("verify":"SUCCESS")", "SUCCESS", ""},  // CN "client, comma"
      {"not-allowed", 403, "403 Forbidden", "SUCCESS", ""},
      {"key-ec-p384", 403, "403 Forbidden", "SUCCESS", ""},
      {"none", 400, no_cert_text, "NONE", "client sent no required SSL certificate"},
      {"revoked", 400, cert_error_text, "FAILED:certificate revoked", "(23:certificate revoked)"},
  };
  for (const auto& row : rows) check_row(*t, row);
}

TEST_CASE("start_nginx says what went wrong", "[nginx]") {
  if (!test::installed("nginx")) return;
  struct Row {
    const char* what;
    std::function<void(scenario::Scenario&)> change;
    std::vector<std::string> message;
  };
  const Row rows[] = {
      {"binary missing",
       [](auto& s) { s.target.nginx_binary = "mtls-harness-no-such-nginx"; },
       {"nginx not found", "install the Debian package nginx (ci/setup does)"}},
      {"unknown template", [](auto& s) { s.target.nginx_template = "verify-off"; },
       {"nginx template 'verify-off' not found", "available: allow-cn, no-crl"}},
      {"allow-cn with SAN entries",
       [](auto& s) {
         s.target.nginx_template = "allow-cn";
         s.target.allow.san_uri = {"spiffe://cluster.local/ns/prod/sa/order"};
       },
       {"nginx 1.22 has no variable for subjectAltName"}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.what);
    try {
      start("verify-on", row.change);
      FAIL("started");
    } catch (const target::TargetError& e) {
      for (const auto& m : row.message) CHECK_THAT(e.what(), Catch::Contains(m));
    }
  }
}

TEST_CASE("nginx -t failures and deaths during start carry nginx's own words", "[nginx]") {
  if (!test::installed("nginx")) return;
  SECTION("a CRL file nginx cannot load") {
    auto f = fixtures();
    f.crl_bundle = scratch().path() / "not-a-crl.pem";
    common::write_file_atomic(f.crl_bundle, "this is not a CRL\n");
    auto s = base_scenario();
    target::StartOptions o;
    o.runtime_dir = scratch().path() / "run-bad-crl";
    try {
      target::start_nginx(s, f, o);
      FAIL("started");
    } catch (const target::TargetError& e) {
      CHECK_THAT(e.what(), Catch::Contains("nginx -t rejected the rendered config " +
                                           (o.runtime_dir / "nginx.conf").string()) &&
                               Catch::Contains("crl.pem"));
    }
  }
  SECTION("a port someone else listens on") {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    target::StartOptions o;
    o.runtime_dir = scratch().path() / "run-port-taken";
    o.port = ntohs(a.sin_port);
    try {
      target::start_nginx(base_scenario(), fixtures(), o);
      FAIL("started");
    } catch (const target::TargetError& e) {
      CHECK_THAT(e.what(), Catch::Contains("exited with status 1 while starting") &&
                               Catch::Contains("Address already in use") &&
                               Catch::Contains("error.log says"));
    }
    ::close(fd);
  }
}

TEST_CASE("nginx start time (spawn -> listening)", "[nginx][report]") {
  if (!test::installed("nginx")) return;
  for (int i = 0; i < 5; ++i) start("verify-on");
  auto times = start_times_ms();
  std::sort(times.begin(), times.end());
  REQUIRE_FALSE(times.empty());
  std::printf("nginx start (spawn -> listening) over %zu starts: min %.1f ms, median %.1f ms, "
              "max %.1f ms\n",
              times.size(), times.front(), times[times.size() / 2], times.back());
  CHECK(times.back() < 10000.0);
}
