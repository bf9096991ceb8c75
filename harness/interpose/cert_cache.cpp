#include "interpose/cert_cache.hpp"

#include <openssl/x509.h>

#include "interpose/next_definition.hpp"

namespace mtls::interpose {
namespace {

thread_local CertCache* t_cache = nullptr;

// Length of the DER SEQUENCE at `p` (header included), 0 if it is not one that fits `len`.
long der_length(const unsigned char* p, long len) {
  if (len < 2 || p[0] != 0x30) return 0;
  if (p[1] < 0x80) return 2 + p[1] <= len ? 2 + p[1] : 0;
  const int n = p[1] & 0x7f;
  if (n < 1 || n > 4 || len < 2 + n) return 0;
  long body = 0;
  for (int i = 0; i < n; ++i) body = (body << 8) | p[2 + i];
  return 2 + n + body <= len ? 2 + n + body : 0;
}

}  // namespace

CertCache::~CertCache() {
  for (auto& e : entries_) X509_free(e.second);
}

X509* CertCache::find(std::string_view der) const {
  for (const auto& e : entries_)
    if (e.first == der) return e.second;
  return nullptr;
}

void CertCache::add(std::string_view der, X509* x) {
  if (entries_.size() >= kMaxEntries) return;
  X509_up_ref(x);
  entries_.emplace_back(std::string(der), x);
}

void use_cert_cache(CertCache* cache) { t_cache = cache; }

}  // namespace mtls::interpose

extern "C" X509* d2i_X509(X509** a, const unsigned char** in, long len) {
  using Fn = X509* (*)(X509**, const unsigned char**, long);
  static const auto real = mtls::interpose::next_definition<Fn>("d2i_X509");
  mtls::interpose::CertCache* cache = mtls::interpose::t_cache;
  const long n = (cache && in && *in) ? mtls::interpose::der_length(*in, len) : 0;
  if (n == 0) return real(a, in, len);
  const std::string_view der(reinterpret_cast<const char*>(*in), static_cast<std::size_t>(n));
  if (X509* hit = cache->find(der)) {
    X509_up_ref(hit);
    if (a) {
      X509_free(*a);
      *a = hit;
    }
    *in += n;
    return hit;
  }
  X509* x = real(a, in, len);
  if (x) cache->add(der, x);
  return x;
}
