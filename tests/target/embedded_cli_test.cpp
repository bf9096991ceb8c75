// The embedded target against the clients people actually type: curl and openssl s_client.
// Their error text is what users will compare with the harness's report.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "embedded_support.hpp"
#include "support.hpp"  // tests/pki: TempDir, run_capture

namespace mtls::test {
namespace {

using scenario::TlsVersion;

std::vector<std::string> curl_argv(const target::Endpoint& ep, const std::string& identity,
                                   TlsVersion v) {
  const std::string port = std::to_string(ep.port);
  std::vector<std::string> argv = {
      "curl", "-sS", "--max-time", "10", "--cacert", ep.trust.string(),
      "--resolve", ep.server_name + ":" + port + ":" + ep.host,
      v == TlsVersion::tls1_3 ? "--tlsv1.3" : "--tlsv1.2",
      "--tls-max", v == TlsVersion::tls1_3 ? "1.3" : "1.2"};
  if (identity != "none") {
    const auto* id = fixtures().find(identity);
    argv.insert(argv.end(), {"--cert", id->fullchain.string(), "--key", id->key.string()});
  }
  argv.push_back(ep.url("/from-curl"));
  return argv;
}

std::vector<std::string> s_client_argv(const target::Endpoint& ep, const std::string& identity,
                                       TlsVersion v) {
  std::vector<std::string> argv = {
      "openssl", "s_client", "-connect", ep.host + ":" + std::to_string(ep.port),
      "-servername", ep.server_name, "-CAfile", ep.trust.string(), "-verify_return_error",
      v == TlsVersion::tls1_3 ? "-tls1_3" : "-tls1_2", "-ign_eof"};
  if (identity != "none") {
    const auto* id = fixtures().find(identity);
    argv.insert(argv.end(), {"-cert", id->cert.string(), "-key", id->key.string()});
    if (!id->chain.empty()) argv.insert(argv.end(), {"-cert_chain", id->chain.string()});
  }
  return argv;
}

struct CliRow {
  const char* tool;
  const char* identity;
  TlsVersion version;
  int exit_code;
  const char* says;  // substring of the tool's output
};

constexpr CliRow kCliRows[] = {
    {"curl", "none", TlsVersion::tls1_2, 35, "alert handshake failure"},
    {"curl", "none", TlsVersion::tls1_3, 56, "alert certificate required"},
    // curl 7.88 maps a received certificate_expired alert in the handshake to "peer
    // verification failed" (60), as if the *server's* certificate were the problem.
    {"curl", "expired", TlsVersion::tls1_2, 60, "SSL certificate verification failed"},
    {"curl", "expired", TlsVersion::tls1_3, 56, "alert certificate expired"},
    {"curl", "wrong-ca", TlsVersion::tls1_3, 56, "alert unknown ca"},
    {"curl", "revoked", TlsVersion::tls1_2, 35, "alert certificate revoked"},
    {"s_client", "none", TlsVersion::tls1_3, 1, "alert certificate required"},
    {"s_client", "wrong-eku", TlsVersion::tls1_2, 1, "alert unsupported certificate"},
};

}  // namespace

TEST_CASE("curl gets the identity echoed back", "[embedded][cli]") {
  const TlsVersion v = GENERATE(TlsVersion::tls1_2, TlsVersion::tls1_3);
  auto server = serve(strict_target());
  pki::test::TempDir scratch("embedded-cli");
  const auto out =
      pki::test::run_capture(curl_argv(server->endpoint(), "valid", v), scratch.path());
  INFO(out.output);
  REQUIRE(out.exit_code == 0);
  const auto body = nlohmann::json::parse(out.output);
  CHECK(body.at("path") == "/from-curl");
  CHECK(body.at("subject").get<std::string>().rfind("CN=client-valid,", 0) == 0);
  CHECK(body.at("tls_version") == (v == TlsVersion::tls1_3 ? "TLSv1.3" : "TLSv1.2"));
}

TEST_CASE("curl and s_client report the target's alerts", "[embedded][cli]") {
  const CliRow row = GENERATE(from_range(std::begin(kCliRows), std::end(kCliRows)));
  INFO(row.tool << " / " << row.identity << " / " << scenario::to_string(row.version));
  auto server = serve(strict_target());
  pki::test::TempDir scratch("embedded-cli");
  const auto argv = std::string(row.tool) == "curl"
                        ? curl_argv(server->endpoint(), row.identity, row.version)
                        : s_client_argv(server->endpoint(), row.identity, row.version);
  const auto out = pki::test::run_capture(argv, scratch.path());
  INFO(out.output);
  CHECK(out.exit_code == row.exit_code);
  CHECK_THAT(out.output, Catch::Contains(row.says));
}

}  // namespace mtls::test
