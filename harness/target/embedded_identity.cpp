#include "target/embedded_identity.hpp"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/x509v3.h>

namespace mtls::target::embedded {
namespace {

std::string name_rfc2253(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio) return {};
  // nginx prints $ssl_client_s_dn with these flags: RFC 2253 without escaping UTF-8.
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return {};
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

std::string serial_hex(const X509* cert) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr), BN_free);
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return {};
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::string utf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  const int len = ASN1_STRING_to_UTF8(&out, s);
  if (len < 0) return {};
  std::string text(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return text;
}

std::vector<std::string> common_names(const X509* cert) {
  std::vector<std::string> out;
  const X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0;)
    out.push_back(utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))));
  return out;
}

void read_sans(const X509* cert, ClientIdentity& id) {
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) id.san_dns.push_back(utf8(gn->d.dNSName));
    if (gn->type == GEN_URI) id.san_uri.push_back(utf8(gn->d.uniformResourceIdentifier));
  }
  GENERAL_NAMES_free(names);
}

std::string verify_text(const ClientIdentity& id) {
  if (!id.presented) return "NONE";
  if (id.verify_result == 0) return "SUCCESS";
  return std::string("FAILED:") + X509_verify_cert_error_string(id.verify_result);
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool any_in(const std::vector<std::string>& values, const std::vector<std::string>& list) {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& v) { return contains(list, v); });
}

nlohmann::json identity_json(const ClientIdentity& id, std::string_view path) {
  return {
      {"verified", id.verified()},     {"verify", id.verify},
      {"subject", id.subject},         {"issuer", id.issuer},
      {"serial", id.serial},           {"san_dns", id.san_dns},
      {"san_uri", id.san_uri},         {"tls_version", id.tls_version},
      {"cipher", id.cipher},           {"session_reused", id.session_reused},
      {"path", std::string(path)},
  };
}

}  // namespace

ClientIdentity read_client_identity(SSL* ssl) {
  ClientIdentity id;
  id.tls_version = SSL_get_version(ssl);
  id.cipher = SSL_get_cipher_name(ssl);
  id.session_reused = SSL_session_reused(ssl) == 1;
  // A resumed session carries the peer certificate and verify result of its full handshake.
  if (const X509* cert = SSL_get0_peer_certificate(ssl)) {
    id.presented = true;
    id.verify_result = SSL_get_verify_result(ssl);
    id.subject = name_rfc2253(X509_get_subject_name(cert));
    id.issuer = name_rfc2253(X509_get_issuer_name(cert));
    id.serial = serial_hex(cert);
    id.common_names = common_names(cert);
    read_sans(cert, id);
  }
  id.verify = verify_text(id);
  return id;
}

bool allowed(const ClientIdentity& id, const scenario::AllowList& allow) {
  if (allow.empty()) return true;
  if (!id.verified()) return false;
  return any_in(id.common_names, allow.common_names) || any_in(id.san_dns, allow.san_dns) ||
         any_in(id.san_uri, allow.san_uri);
}

Answer answer(const ClientIdentity& id, const scenario::AllowList& allow, std::string_view path) {
  Answer a;
  // Like nginx without an `if ($ssl_client_verify ...)`: no certificate under verify=optional
  // is the backend's business, so policy applies to presented certificates only.
  const bool refused = id.presented && !allowed(id, allow);
  nlohmann::json body = identity_json(id, path);
  if (refused) {
    a.status = 403;
    body = {{"error", "not_allowed"}, {"identity", std::move(body)}};
  }
  // The path is whatever the client sent and names come from its certificate: bytes that
  // are not UTF-8 become U+FFFD instead of an exception that would end the target.
  a.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  a.headers = {
      {"Content-Type", "application/json"},
      {"X-Client-Verify", id.verify},
      {"X-Client-DN", id.subject},
      {"X-Client-Serial", id.serial},
      // nginx's $ssl_session_reused spelling, so one template forwards it unchanged.
      {"X-Session-Reused", id.session_reused ? "r" : "."},
  };
  return a;
}

}  // namespace mtls::target::embedded
