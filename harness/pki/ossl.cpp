#include "pki/ossl.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/files.hpp"
#include "common/openssl_error.hpp"

namespace mtls::pki::ossl {
namespace {

template <typename Write>
std::string pem_string(const char* what, Write write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) common::throw_openssl(std::string("cannot encode ") + what);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// The file's bytes in a memory BIO: the read error then names the file, not a BIO.
Bio open_pem(const std::filesystem::path& path, std::string& content) {
  content = common::read_file(path);
  Bio bio(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (!bio) common::throw_openssl("cannot buffer " + path.string());
  return bio;
}

bool only_end_of_pem_left() {
  unsigned long e = ERR_peek_last_error();
  return ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

}  // namespace

std::vector<X509*> raw(const std::vector<Cert>& certs) {
  std::vector<X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

std::string to_pem(X509* cert) {
  return pem_string("certificate", [&](BIO* b) { return PEM_write_bio_X509(b, cert); });
}

std::string to_pem(X509_CRL* crl) {
  return pem_string("CRL", [&](BIO* b) { return PEM_write_bio_X509_CRL(b, crl); });
}

std::string to_pem(EVP_PKEY* key) {
  return pem_string("private key", [&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

std::vector<Cert> read_certs(const std::filesystem::path& path) {
  std::string content;
  auto bio = open_pem(path, content);
  std::vector<Cert> out;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(c);
  if (out.empty() || !only_end_of_pem_left())
    common::throw_openssl("cannot read PEM certificate(s) from " + path.string());
  ERR_clear_error();
  return out;
}

Cert read_cert(const std::filesystem::path& path) { return std::move(read_certs(path).front()); }

Key read_key(const std::filesystem::path& path) {
  std::string content;
  auto bio = open_pem(path, content);
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) common::throw_openssl("cannot read PEM private key from " + path.string());
  return key;
}

std::vector<Crl> read_crls(const std::filesystem::path& path) {
  std::string content;
  auto bio = open_pem(path, content);
  std::vector<Crl> out;
  while (X509_CRL* c = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(c);
  if (out.empty() || !only_end_of_pem_left())
    common::throw_openssl("cannot read PEM CRL(s) from " + path.string());
  ERR_clear_error();
  return out;
}

}  // namespace mtls::pki::ossl
