// Parsed peer certificates, cached per load worker thread.
//
// OpenSSL 3.0 spends ~120 µs parsing each certificate the server sends (d2i_X509 builds an
// OSSL_DECODER context for the public key): measured with callgrind, 44 % of the engine's
// instructions per full handshake. A load client meets the same server chain thousands of
// times, so, like BoringSSL's CRYPTO_BUFFER pool, the worker keeps the parsed X509 of each
// DER it has seen and hands out another reference when the same bytes arrive again.
// Mechanism (next_definition.hpp): this library defines d2i_X509; it takes the cache path only on
// a thread that installed a cache (a load worker) and forwards every other call, on every
// other thread, to OpenSSL's own function unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

typedef struct x509_st X509;

namespace mtls::interpose {

class CertCache {
 public:
  CertCache() = default;
  ~CertCache();
  CertCache(const CertCache&) = delete;
  CertCache& operator=(const CertCache&) = delete;

  X509* find(std::string_view der) const;
  void add(std::string_view der, X509* x);  // takes a reference
  std::size_t size() const { return entries_.size(); }

  static constexpr std::size_t kMaxEntries = 32;

 private:
  std::vector<std::pair<std::string, X509*>> entries_;
};

// Installs `cache` for the calling thread (nullptr: uninstall).
void use_cert_cache(CertCache* cache);

}  // namespace mtls::interpose
