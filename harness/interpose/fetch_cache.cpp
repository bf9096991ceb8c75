#include "interpose/fetch_cache.hpp"

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "interpose/next_definition.hpp"

namespace mtls::interpose {
namespace {

thread_local FetchCache* t_cache = nullptr;

}  // namespace

FetchCache::FetchCache() {
  entries_.reserve(kMaxEntries);
  names_.reserve(kMaxEntries);
}

FetchCache::~FetchCache() {
  for (auto& e : entries_) e.release(e.method);
  for (auto& n : names_) n.release(const_cast<void*>(n.keymgmt));
}

const std::vector<std::string>* FetchCache::names(const void* keymgmt) const {
  for (const auto& n : names_)
    if (n.keymgmt == keymgmt) return &n.names;
  return nullptr;
}

const std::vector<std::string>* FetchCache::add_names(const void* keymgmt,
                                                      std::vector<std::string> names,
                                                      void (*release)(void*)) {
  if (names_.size() >= kMaxEntries) {
    release(const_cast<void*>(keymgmt));
    return nullptr;
  }
  names_.push_back({keymgmt, std::move(names), release});
  return &names_.back().names;
}

void* FetchCache::find(int kind, const void* libctx, const char* name, const char* props) {
  for (auto& e : entries_) {
    if (e.kind != kind || e.libctx != libctx || e.has_props != (props != nullptr)) continue;
    // By text: a caller may pass the same buffer with other contents (OpenSSL does, from
    // its stack).
    if (e.name != name) continue;
    if (props && e.props != props) continue;
    ++hits_;
    return e.method;
  }
  ++misses_;
  return nullptr;
}

void FetchCache::add(int kind, const void* libctx, const char* name, const char* props,
                     void* method, void (*release)(void*)) {
  if (entries_.size() >= kMaxEntries) return release(method);
  Entry e;
  e.kind = kind;
  e.libctx = libctx;
  e.name = name;
  e.has_props = props != nullptr;
  if (props) e.props = props;
  e.method = method;
  e.release = release;
  entries_.push_back(std::move(e));
}

void use_fetch_cache(FetchCache* cache) { t_cache = cache; }

template <typename Method>
using FetchFn = Method* (*)(OSSL_LIB_CTX*, const char*, const char*);

// The cache path on a thread with a cache installed; OpenSSL's own function otherwise.
template <typename Method, int (*UpRef)(Method*), void (*Free)(Method*)>
Method* fetch_cached(int kind, FetchFn<Method> real, OSSL_LIB_CTX* ctx, const char* name,
                     const char* props) {
  FetchCache* cache = t_cache;
  if (!cache || !name) return real(ctx, name, props);
  if (void* hit = cache->find(kind, ctx, name, props)) {
    auto* m = static_cast<Method*>(hit);
    if (UpRef(m) == 1) return m;
  }
  Method* m = real(ctx, name, props);
  if (m && UpRef(m) == 1)
    cache->add(kind, ctx, name, props, m, [](void* p) { Free(static_cast<Method*>(p)); });
  return m;
}

}  // namespace mtls::interpose

using mtls::interpose::FetchFn;
using mtls::interpose::fetch_cached;
using mtls::interpose::next_definition;

// Each interposer finds OpenSSL's definition once (a function-local static: thread-safe).
#define MTLS_INTERPOSE_FETCH(Type, kind)                                                   \
  Type* Type##_fetch(OSSL_LIB_CTX* ctx, const char* name, const char* props) {             \
    static const auto real = next_definition<FetchFn<Type>>(#Type "_fetch");               \
    return fetch_cached<Type, Type##_up_ref, Type##_free>(kind, real, ctx, name, props);   \
  }

extern "C" {

int EVP_KEYMGMT_names_do_all(const EVP_KEYMGMT* keymgmt, void (*fn)(const char*, void*),
                             void* data) {
  using Fn = int (*)(const EVP_KEYMGMT*, void (*)(const char*, void*), void*);
  static const auto real = next_definition<Fn>("EVP_KEYMGMT_names_do_all");
  mtls::interpose::FetchCache* cache = mtls::interpose::t_cache;
  if (!cache || !keymgmt || !fn) return real(keymgmt, fn, data);
  const auto* kept = cache->names(keymgmt);
  if (!kept) {
    std::vector<std::string> names;
    auto* km = const_cast<EVP_KEYMGMT*>(keymgmt);
    const auto collect = [](const char* n, void* v) {
      static_cast<std::vector<std::string>*>(v)->push_back(n);
    };
    if (real(keymgmt, collect, &names) == 1 && EVP_KEYMGMT_up_ref(km) == 1)
      kept = cache->add_names(keymgmt, std::move(names),
                              [](void* p) { EVP_KEYMGMT_free(static_cast<EVP_KEYMGMT*>(p)); });
    // Not kept: OpenSSL's own answer (callers may hold on to the names they are given, so
    // they must outlive this call).
    if (!kept) return real(keymgmt, fn, data);
  }
  for (const auto& n : *kept) fn(n.c_str(), data);
  return 1;
}

MTLS_INTERPOSE_FETCH(EVP_MD, 1)
MTLS_INTERPOSE_FETCH(EVP_CIPHER, 2)
MTLS_INTERPOSE_FETCH(EVP_KDF, 3)
MTLS_INTERPOSE_FETCH(EVP_MAC, 4)
MTLS_INTERPOSE_FETCH(EVP_KEYMGMT, 5)
MTLS_INTERPOSE_FETCH(EVP_SIGNATURE, 6)
MTLS_INTERPOSE_FETCH(EVP_KEYEXCH, 7)
}
