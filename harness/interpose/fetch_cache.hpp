// Fetched OpenSSL algorithm implementations, cached per load worker thread.
//
// OpenSSL 3.0's libssl fetches algorithms by name again and again during one handshake: every
// TLS 1.3 HKDF step fetches the KDF, every transcript hash and HMAC fetches its digest, every
// signature and key exchange its implementation (about 65 fetches per full TLS 1.3
// handshake). Each fetch maps the name to a number and looks the method up in the provider
// store under two read locks. The answer never changes while the providers stay loaded, so a
// load worker keeps the methods it has fetched and hands out another reference to the same
// object, which is what the store's own cache returns anyway, only without the name lookups
// and the locks. Likewise the names of a key manager: OpenSSL 3.0 lists them (to find the
// legacy key type) each time a key context is made, five times per handshake, and each
// listing walks the whole name map.
// Mechanism (next_definition.hpp): this library defines the EVP_*_fetch functions and
// EVP_KEYMGMT_names_do_all; a call takes the cache path only on a thread that installed a
// cache (a load worker) and is forwarded unchanged on every other thread. Failed fetches are
// never cached.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mtls::interpose {

class FetchCache {
 public:
  struct Entry {
    int kind = 0;                // which EVP_*_fetch
    const void* libctx = nullptr;
    std::string name, props;
    bool has_props = false;
    void* method = nullptr;      // one reference held by the cache
    void (*release)(void*) = nullptr;
  };

  FetchCache();  // room for kMaxEntries of each: kept lists never move
  ~FetchCache();
  FetchCache(const FetchCache&) = delete;
  FetchCache& operator=(const FetchCache&) = delete;

  // The cached method (no reference taken), or nullptr.
  void* find(int kind, const void* libctx, const char* name, const char* props);
  // Keeps `method` (the cache takes over one reference the caller gave it).
  void add(int kind, const void* libctx, const char* name, const char* props, void* method,
           void (*release)(void*));

  // The names of `keymgmt` (an EVP_KEYMGMT), or nullptr if not kept yet.
  const std::vector<std::string>* names(const void* keymgmt) const;
  // Keeps them (and a reference to the key manager, so that its address stays its own) and
  // returns the kept list, whose strings live as long as the cache; nullptr (and the
  // reference released) when the cache is full.
  const std::vector<std::string>* add_names(const void* keymgmt, std::vector<std::string> names,
                                            void (*release)(void*));

  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

  static constexpr std::size_t kMaxEntries = 64;

 private:
  std::vector<Entry> entries_;
  struct Names {
    const void* keymgmt;
    std::vector<std::string> names;
    void (*release)(void*);
  };
  std::vector<Names> names_;
  std::uint64_t hits_ = 0, misses_ = 0;
};

// Installs `cache` for the calling thread (nullptr: uninstall).
void use_fetch_cache(FetchCache* cache);

}  // namespace mtls::interpose
