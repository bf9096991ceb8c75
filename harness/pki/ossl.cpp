#include "pki/ossl.hpp"

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <openssl/decoder.h>
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

// The file's bytes in a memory BIO: the read error then names the file, not a BIO. read_file
// refuses FIFOs, devices and files over the input limit.
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

// PEM has its armour line somewhere (text around it is allowed and skipped); anything
// without one is read as DER.
bool looks_like_pem(const std::string& content) {
  return content.find("-----BEGIN ") != std::string::npos;
}

[[noreturn]] void unreadable(const std::filesystem::path& path, const std::string& content,
                             const std::string& expected) {
  ERR_clear_error();
  if (content.empty())
    throw std::runtime_error(path.string() + " is empty; expected " + expected);
  throw std::runtime_error(path.string() + " holds neither PEM nor DER: expected " + expected +
                           " (" + std::to_string(content.size()) +
                           " bytes, no -----BEGIN line and not ASN.1 DER); is it the right file?");
}

// DER objects back to back (a DER file usually holds one).
template <typename T, typename Free, typename D2i>
std::vector<std::unique_ptr<T, Free>> read_der(const std::string& content, D2i d2i) {
  std::vector<std::unique_ptr<T, Free>> out;
  const auto* p = reinterpret_cast<const unsigned char*>(content.data());
  const auto* end = p + content.size();
  while (p < end) {
    T* x = d2i(nullptr, &p, static_cast<long>(end - p));
    if (!x) return {};
    out.emplace_back(x);
  }
  ERR_clear_error();
  return out;
}

// The passphrase callback of every key read: it never prompts. No passphrase given: it
// fails and notes that one was asked for.
struct PassphraseState {
  const char* passphrase = nullptr;
  bool asked = false;
};

int passphrase_cb(char* buf, int size, int, void* u) {
  auto* state = static_cast<PassphraseState*>(u);
  state->asked = true;
  if (!state->passphrase) return -1;
  const int n = static_cast<int>(std::strlen(state->passphrase));
  if (n > size) return -1;
  std::memcpy(buf, state->passphrase, static_cast<std::size_t>(n));
  return n;
}

EVP_PKEY* decode_der_key(const std::string& content, PassphraseState& state) {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* dctx = OSSL_DECODER_CTX_new_for_pkey(&key, "DER", nullptr, nullptr,
                                                        EVP_PKEY_KEYPAIR, nullptr, nullptr);
  if (!dctx) return nullptr;
  OSSL_DECODER_CTX_set_pem_password_cb(dctx, passphrase_cb, &state);
  const auto* p = reinterpret_cast<const unsigned char*>(content.data());
  std::size_t len = content.size();
  OSSL_DECODER_from_data(dctx, &p, &len);
  OSSL_DECODER_CTX_free(dctx);
  return key;
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
  const char* expected = "certificate(s): PEM (-----BEGIN CERTIFICATE-----) or DER";
  if (!looks_like_pem(content)) {
    auto der = read_der<X509, Deleter<X509, X509_free>>(content, d2i_X509);
    if (der.empty()) unreadable(path, content, expected);
    return der;
  }
  std::vector<Cert> out;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(c);
  if (out.empty() || !only_end_of_pem_left())
    common::throw_openssl(path.string() + ": cannot read the PEM certificate(s) in it (expected " +
                          std::string(expected) + ")");
  ERR_clear_error();
  return out;
}

Cert read_cert(const std::filesystem::path& path) { return std::move(read_certs(path).front()); }

Key read_key(const std::filesystem::path& path, const Passphrase& pass) {
  std::string content;
  auto bio = open_pem(path, content);
  const char* value = nullptr;
  if (!pass.env.empty() && !(value = std::getenv(pass.env.c_str())))
    throw std::runtime_error(path.string() + ": its passphrase is to come from $" +
                             pass.env + ", which is not set; export " + pass.env +
                             " with the key's passphrase");
  PassphraseState state{value, false};
  Key key(looks_like_pem(content) ? PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb, &state)
                                  : decode_der_key(content, state));
  if (key) {
    ERR_clear_error();
    return key;
  }
  if (state.asked && !value) {
    ERR_clear_error();
    throw std::runtime_error(path.string() + " is encrypted; " +
                             (pass.how_to_give.empty() ? "give its passphrase" : pass.how_to_give));
  }
  if (state.asked)
    common::throw_openssl(path.string() + ": the passphrase in $" + pass.env +
                          " does not decrypt it");
  if (!looks_like_pem(content))
    unreadable(path, content, "a private key: PEM (-----BEGIN PRIVATE KEY-----) or DER");
  common::throw_openssl(path.string() + ": cannot read the PEM private key in it");
}

std::vector<Crl> read_crls(const std::filesystem::path& path) {
  std::string content;
  auto bio = open_pem(path, content);
  const char* expected = "CRL(s): PEM (-----BEGIN X509 CRL-----) or DER";
  if (!looks_like_pem(content)) {
    auto der = read_der<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>(content, d2i_X509_CRL);
    if (der.empty()) unreadable(path, content, expected);
    return der;
  }
  std::vector<Crl> out;
  while (X509_CRL* c = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(c);
  if (out.empty() || !only_end_of_pem_left())
    common::throw_openssl(path.string() + ": cannot read the PEM CRL(s) in it (expected " +
                          std::string(expected) + ")");
  ERR_clear_error();
  return out;
}

}  // namespace mtls::pki::ossl
