// The load engine's OpenSSL interposition, as it ships: libssl reaches the program's
// definitions, the d2i_X509 cache path answers as OpenSSL would (and only caches what parsed),
// and the program exports exactly the functions of exports.list, no other OpenSSL name.
#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "interpose/cert_cache.hpp"
#include "interpose/self_check.hpp"

using namespace mtls;

namespace {

using Der = std::vector<unsigned char>;

struct CtxFree {
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
using Ctx = std::unique_ptr<SSL_CTX, CtxFree>;

// What libssl makes of `der` (SSL_CTX_use_certificate_ASN1 parses with d2i_X509): the
// certificate the context then holds, or nullptr when it refused the bytes.
X509* loaded(const Ctx& ctx, const Der& der) {
  ERR_clear_error();
  if (SSL_CTX_use_certificate_ASN1(ctx.get(), static_cast<int>(der.size()), der.data()) != 1)
    return nullptr;
  return SSL_CTX_get0_certificate(ctx.get());
}

std::set<std::string> listed_exports() {
  std::ifstream in(std::getenv("MTLS_INTERPOSE_EXPORTS"));
  std::stringstream text;
  text << in.rdbuf();
  // Comments out, then every `name;` inside the braces.
  const std::string body = std::regex_replace(text.str(), std::regex(R"(/\*[\s\S]*?\*/)"), "");
  std::set<std::string> names;
  const std::regex entry(R"(([A-Za-z_][A-Za-z0-9_]*)\s*;)");
  for (std::sregex_iterator it(body.begin(), body.end(), entry), end; it != end; ++it)
    names.insert((*it)[1]);
  return names;
}

// OpenSSL's function names the executable defines and exports (nm -D).
std::set<std::string> exported_openssl_names(const std::string& executable) {
  std::set<std::string> names;
  const std::string command = "nm -D --defined-only '" + executable + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe);
  const std::regex openssl_name(
      R"((EVP|d2i|i2d|X509|SSL|OSSL|OPENSSL|PEM|BIO|ERR|CRYPTO|ASN1|RSA|EC|TLS)_\w+)");
  char line[512];
  while (std::fgets(line, sizeof line, pipe.get())) {
    std::istringstream fields(line);
    std::string address, type, name;
    if (!(fields >> address >> type >> name)) continue;
    name = name.substr(0, name.find('@'));
    if (std::regex_match(name, openssl_name)) names.insert(name);
  }
  return names;
}

}  // namespace

TEST_CASE("libssl reaches the program's OpenSSL definitions", "[interpose]") {
  const auto& reach = interpose::self_check();
  INFO(reach.problem);
  CHECK(reach.fetched_methods);
  CHECK(reach.peer_certificates);
  CHECK(reach.problem.empty());
}

TEST_CASE("d2i_X509 through libssl: the cache hands out the parsed certificate again, and "
          "only what parsed",
          "[interpose]") {
  const Der der = interpose::throwaway_certificate_der();
  REQUIRE(der.size() > 100);
  Der trailing = der;
  trailing.insert(trailing.end(), {0x01, 0x02, 0x03});
  Der truncated(der.begin(), der.end() - 10);
  Der not_sequence = der;
  not_sequence[0] = 0x31;  // a SET, not a SEQUENCE
  Der empty;

  struct Row {
    const char* name;
    const Der& bytes;
    bool cache;             // installed on this thread
    bool parses;            // libssl accepts the bytes
    std::size_t cached;     // entries afterwards
    bool same_object;       // a second load returns the object of the first
  };
  const Row rows[] = {
      {"a certificate, cache installed", der, true, true, 1, true},
      {"a certificate, no cache: OpenSSL's own parse each time", der, false, true, 0, false},
      {"bytes after the certificate: the certificate alone is kept", trailing, true, true, 1, true},
      {"truncated", truncated, true, false, 0, false},
      {"not a SEQUENCE", not_sequence, true, false, 0, false},
      {"no bytes", empty, true, false, 0, false},
  };
  for (const auto& row : rows) {
    SECTION(row.name) {
      interpose::CertCache cache;
      if (row.cache) interpose::use_cert_cache(&cache);
      Ctx first(SSL_CTX_new(TLS_client_method())), second(SSL_CTX_new(TLS_client_method()));
      X509* a = loaded(first, row.bytes);
      X509* b = loaded(second, row.bytes);
      interpose::use_cert_cache(nullptr);
      CHECK((a != nullptr) == row.parses);
      CHECK((b != nullptr) == row.parses);
      CHECK(cache.size() == row.cached);
      if (row.parses) {
        CHECK((a == b) == row.same_object);
        CHECK(X509_cmp(a, b) == 0);
      }
    }
  }
}

TEST_CASE("the certificate cache stays bounded; past it, certificates still parse", "[interpose]") {
  interpose::CertCache cache;
  interpose::use_cert_cache(&cache);
  std::size_t parsed = 0;
  for (std::size_t i = 0; i < interpose::CertCache::kMaxEntries + 3; ++i) {
    Ctx ctx(SSL_CTX_new(TLS_client_method()));
    if (loaded(ctx, interpose::throwaway_certificate_der())) ++parsed;
  }
  interpose::use_cert_cache(nullptr);
  CHECK(parsed == interpose::CertCache::kMaxEntries + 3);
  CHECK(cache.size() == interpose::CertCache::kMaxEntries);
}

TEST_CASE("the CLI and this test export exactly the listed OpenSSL functions", "[interpose]") {
  const auto listed = listed_exports();
  REQUIRE(listed.count("d2i_X509") == 1);
  REQUIRE(listed.count("EVP_MD_fetch") == 1);
  for (const std::string& executable : {std::string(std::getenv("MTLS_HARNESS_BIN")),
                                       std::filesystem::read_symlink("/proc/self/exe").string()}) {
    CAPTURE(executable);
    CHECK(exported_openssl_names(executable) == listed);
  }
}
