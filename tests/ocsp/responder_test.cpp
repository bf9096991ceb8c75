// The loopback OCSP responder answering real clients: `openssl ocsp` (POST, nonce, response
// verified against the root) for each status, a GET as nginx sends it, what is not OCSP, and
// a responder that is down.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/evp.h>

#include "common/files.hpp"
#include "ocsp_support.hpp"
#include "pki/ocsp_ledger.hpp"
#include "support.hpp"
#include "target/ocsp_responder.hpp"
#include "target/target.hpp"

using namespace mtls;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

std::unique_ptr<target::OcspResponder> start(const std::filesystem::path& log = {}) {
  return target::OcspResponder::start(
      pki::OcspLedger::load(ocsp_test::status_scenario(), ocsp_test::status_fixtures()),
      "127.0.0.1", log);
}

http::response<http::string_body> exchange(int port, http::request<http::string_body> req) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  req.set(http::field::host, "127.0.0.1");
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(socket, buf, res);
  return res;
}

// base64, then percent-encoding of '+', '/', '=' (what nginx sends).
std::string get_path(const std::string& der) {
  std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(der.data()),
                                static_cast<int>(der.size()));
  b64.resize(static_cast<std::size_t>(n));
  std::string path = "/";
  for (char c : b64)
    path += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
  return path;
}

}  // namespace

TEST_CASE("openssl ocsp gets each status from the responder, verified and with its nonce",
          "[ocsp][responder]") {
  struct Row {
    const char* identity;
    const char* says;   // "<cert path>: <status>"
    const char* extra;  // another line that must be there
  };
  const Row rows[] = {
      {"good", ": good", "This Update:"},
      {"ocsp-revoked", ": revoked", "Reason: keyCompromise"},
      {"ocsp-unknown", ": unknown", "Next Update:"},
      {"revoked", ": revoked", "Revocation Time:"},
      {"too-deep", ": good", "This Update:"},
  };
  pki::test::TempDir scratch("ocsp-cli");
  auto responder = start(scratch.path() / "responder.log");
  const auto& f = ocsp_test::status_fixtures();
  for (const auto& row : rows) {
    CAPTURE(row.identity);
    const auto* id = f.find(row.identity);
    REQUIRE(id);
    // The issuer is the first certificate of the chain the client sends.
    const auto issuer = scratch.path() / (std::string(row.identity) + "-issuer.pem");
    common::write_file_atomic(issuer, pki::ossl::to_pem(pki::ossl::read_certs(id->chain).front().get()));
    const auto r = pki::test::run_capture(
        {"openssl", "ocsp", "-issuer", issuer.string(), "-cert", id->cert.string(), "-url",
         responder->url(), "-CAfile", ocsp_test::ca_cert("root").string(), "-verify_other",
         id->chain.string(), "-timeout", "10"},
        scratch.path());
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("Response verify OK"));
    CHECK_THAT(r.output, Catch::Contains(id->cert.string() + row.says + "\n"));
    CHECK_THAT(r.output, Catch::Contains(row.extra));
    CHECK_THAT(r.output, !Catch::Contains("WARNING"));  // e.g. "no nonce in response"
  }
  CHECK(responder->requests() == std::size(rows));
  responder->stop();
  const auto log = common::read_file(scratch.path() / "responder.log");
  CHECK_THAT(log, Catch::Contains("POST: intermediate ") && Catch::Contains(": unknown\n") &&
                      Catch::Contains("POST: sub-ca-"));
}

TEST_CASE("the responder answers a GET as nginx sends it (RFC 5019)", "[ocsp][responder]") {
  auto responder = start();
  const auto* id = ocsp_test::status_fixtures().find("ocsp-revoked");
  auto cert = pki::ossl::read_cert(id->cert);
  auto issuer = std::move(pki::ossl::read_certs(id->chain).front());
  const auto der = ocsp_test::request_for(cert.get(), issuer.get(), false);
  http::request<http::string_body> req{http::verb::get, get_path(der), 10};
  const auto res = exchange(responder->port(), req);
  CHECK(res.result_int() == 200);
  CHECK(res[http::field::content_type] == "application/ocsp-response");
  const auto p = ocsp_test::parse(res.body(), cert.get(), issuer.get());
  CHECK(p.signature_ok);
  CHECK(p.cert_status == V_OCSP_CERTSTATUS_REVOKED);
  CHECK(target::ocsp_get_request(get_path(der)) == der);
}

TEST_CASE("what is not an OCSP request", "[ocsp][responder]") {
  auto responder = start();
  SECTION("another method: 405") {
    http::request<http::string_body> req{http::verb::put, "/", 11};
    const auto res = exchange(responder->port(), req);
    CHECK(res.result_int() == 405);
    CHECK(res[http::field::allow] == "GET, POST");
  }
  SECTION("a GET path that is not base64: OCSP malformedRequest") {
    http::request<http::string_body> req{http::verb::get, "/%zz", 11};
    const auto res = exchange(responder->port(), req);
    CHECK(res.result_int() == 200);
    CHECK(ocsp_test::parse(res.body(), nullptr, nullptr).response_status ==
          OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  }
  CHECK(target::ocsp_get_request("/abc") == "");   // not a multiple of 4
  CHECK(target::ocsp_get_request("/ab%2") == "");  // cut-off escape
}

TEST_CASE("a responder that is down refuses connections until stopped", "[ocsp][responder]") {
  auto down = target::OcspResponder::start_down("127.0.0.1");
  CHECK_FALSE(down->up());
  CHECK_THAT(down->url(), Catch::StartsWith("http://127.0.0.1:") && Catch::EndsWith("/"));
  asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(down->port())}, ec);
  CHECK(ec == asio::error::connection_refused);
  CHECK_THROWS_AS(target::OcspResponder::start_down("localhost"), target::TargetError);
}
