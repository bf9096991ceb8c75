// The load connection's BIO over its own buffers, and the per-thread cache of fetched
// OpenSSL methods: what OpenSSL sees through them, case by case.
#include <catch2/catch.hpp>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "load/conn_bio.hpp"
#include "interpose/fetch_cache.hpp"

namespace mtls::test {
namespace {

using load::ConnBytes;

struct Bio {
  ConnBytes bytes;
  BIO* bio = load::new_conn_bio(&bytes);
  ~Bio() { BIO_free(bio); }
  void arrive(const std::string& s) {
    std::memcpy(bytes.receive_space(s.size()), s.data(), s.size());
    bytes.received(s.size());
  }
  std::string read(int n) {
    std::string out(static_cast<std::size_t>(n), '\0');
    const int r = BIO_read(bio, out.data(), n);
    out.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
    return out;
  }
};

}  // namespace

TEST_CASE("connection BIO: reads what arrived, then asks to be retried", "[load][bio]") {
  Bio b;
  char c;
  CHECK(BIO_read(b.bio, &c, 1) == -1);
  CHECK(BIO_should_retry(b.bio));
  CHECK(BIO_should_read(b.bio));
  CHECK(BIO_eof(b.bio) == 0);

  b.arrive("hello ");
  b.arrive("world");
  CHECK(BIO_pending(b.bio) == 11);
  CHECK(b.read(4) == "hell");
  CHECK(b.read(100) == "o world");
  CHECK(BIO_read(b.bio, &c, 1) == -1);
  CHECK(BIO_should_retry(b.bio));
}

TEST_CASE("connection BIO: the end of the stream and a receive error, after the data",
          "[load][bio]") {
  struct Row {
    const char* name;
    bool eof;
    int error;
    int last_read;  // what BIO_read returns once the data is read
    bool is_eof;    // BIO_eof then
  };
  const auto row = GENERATE(Row{"peer closed", true, 0, 0, true},
                            Row{"peer reset", false, ECONNRESET, -1, false});
  CAPTURE(row.name);
  Bio b;
  b.arrive("last");
  b.bytes.eof = row.eof;
  b.bytes.error = row.error;
  CHECK(BIO_eof(b.bio) == 0);  // data first
  CHECK(b.read(10) == "last");
  errno = 0;
  char c;
  CHECK(BIO_read(b.bio, &c, 1) == row.last_read);
  CHECK_FALSE(BIO_should_retry(b.bio));
  CHECK((BIO_eof(b.bio) == 1) == row.is_eof);
  if (row.error != 0) CHECK(errno == row.error);
}

TEST_CASE("connection BIO: writes are kept until the connection sends them", "[load][bio]") {
  Bio b;
  CHECK(BIO_write(b.bio, "Client", 6) == 6);
  CHECK(BIO_flush(b.bio) == 1);  // OpenSSL's end of a flight: nothing leaves yet
  CHECK(BIO_write(b.bio, "Hello", 5) == 5);
  CHECK(BIO_wpending(b.bio) == 11);
  CHECK(b.bytes.out == "ClientHello");
  b.bytes.sent = 6;
  CHECK(b.bytes.unsent() == 5);
}

TEST_CASE("connection buffers: compacted before they grow, released on demand", "[load][bio]") {
  Bio b;
  b.arrive(std::string(100, 'a'));
  const std::size_t cap = b.bytes.in_capacity;
  CHECK(cap >= 100);
  CHECK(b.read(90).size() == 90);
  // 10 unread bytes move to the front when the next receive would not fit behind them.
  char* space = b.bytes.receive_space(cap - 10);
  CHECK(b.bytes.in_capacity == cap);
  CHECK(space == b.bytes.in.get() + 10);
  CHECK(b.read(10) == std::string(10, 'a'));
  b.bytes.receive_space(4 * cap);
  CHECK(b.bytes.in_capacity >= 4 * cap);
  b.bytes.out.push_back('x');
  b.bytes.release();
  CHECK(b.bytes.in_capacity == 0);
  CHECK(b.bytes.unsent() == 0);
  CHECK(b.bytes.out.capacity() <= std::string().capacity());
}

TEST_CASE("fetch cache: the same method again on a load thread, OpenSSL's path elsewhere",
          "[load][fetch]") {
  struct Row {
    const char* what;
    void* (*fetch)(const char* name);
    void (*release)(void*);
    std::string (*name_of)(void*);
    const char* name;
    const char* other;  // another algorithm of the kind
  };
  const auto row = GENERATE(
      Row{"digest",
          [](const char* n) -> void* { return EVP_MD_fetch(nullptr, n, nullptr); },
          [](void* m) { EVP_MD_free(static_cast<EVP_MD*>(m)); },
          [](void* m) -> std::string { return EVP_MD_get0_name(static_cast<EVP_MD*>(m)); },
          "SHA2-384", "SHA2-256"},
      Row{"kdf", [](const char* n) -> void* { return EVP_KDF_fetch(nullptr, n, nullptr); },
          [](void* m) { EVP_KDF_free(static_cast<EVP_KDF*>(m)); },
          [](void* m) -> std::string { return EVP_KDF_get0_name(static_cast<EVP_KDF*>(m)); },
          "TLS13-KDF", "HKDF"},
      Row{"mac", [](const char* n) -> void* { return EVP_MAC_fetch(nullptr, n, nullptr); },
          [](void* m) { EVP_MAC_free(static_cast<EVP_MAC*>(m)); },
          [](void* m) -> std::string { return EVP_MAC_get0_name(static_cast<EVP_MAC*>(m)); },
          "HMAC", "CMAC"});
  CAPTURE(row.what);
  std::thread([&] {
    interpose::FetchCache cache;
    interpose::use_fetch_cache(&cache);
    void* first = row.fetch(row.name);
    REQUIRE(first != nullptr);
    const std::string copy = row.name;  // another pointer, the same name
    void* second = row.fetch(copy.c_str());
    CHECK(second == first);
    CHECK(cache.misses() == 1);
    CHECK(cache.hits() == 1);
    // The same buffer with another name (OpenSSL passes names from its stack): by text.
    char buffer[32];
    std::strcpy(buffer, row.name);
    void* again = row.fetch(buffer);
    CHECK(again == first);
    std::strcpy(buffer, row.other);
    void* other = row.fetch(buffer);
    REQUIRE(other != nullptr);
    CHECK(other != first);
    CHECK(row.name_of(other) == row.name_of(row.fetch(row.other)));
    CHECK(cache.misses() == 2);
    CHECK(cache.hits() == 3);
    for (int i = 0; i < 2; ++i) row.release(other);
    row.release(again);
    // Failures are not kept: each asks OpenSSL again.
    CHECK(row.fetch("no-such-algorithm") == nullptr);
    CHECK(row.fetch("no-such-algorithm") == nullptr);
    CHECK(cache.misses() == 4);
    row.release(first);
    row.release(second);
    interpose::use_fetch_cache(nullptr);
    // Without a cache the call goes to OpenSSL, which still answers.
    void* plain = row.fetch(row.name);
    CHECK(plain != nullptr);
    CHECK(cache.hits() == 3);
    row.release(plain);
  }).join();
}

TEST_CASE("fetch cache: a key manager's names, listed once per load thread", "[load][fetch]") {
  const auto name = GENERATE(as<std::string>{}, "X25519", "EC", "RSA");
  CAPTURE(name);
  EVP_KEYMGMT* km = EVP_KEYMGMT_fetch(nullptr, name.c_str(), nullptr);
  REQUIRE(km != nullptr);
  const auto list = [km] {
    std::vector<std::string> out;
    CHECK(EVP_KEYMGMT_names_do_all(
              km, [](const char* n, void* v) { static_cast<std::vector<std::string>*>(v)->push_back(n); },
              &out) == 1);
    return out;
  };
  const auto from_openssl = list();  // this thread has no cache
  CHECK(std::find(from_openssl.begin(), from_openssl.end(), name) != from_openssl.end());
  std::thread([&] {
    interpose::FetchCache cache;
    interpose::use_fetch_cache(&cache);
    CHECK(cache.names(km) == nullptr);
    CHECK(list() == from_openssl);
    REQUIRE(cache.names(km) != nullptr);
    CHECK(*cache.names(km) == from_openssl);
    // Replayed from the cache: the very strings it keeps, in OpenSSL's order.
    std::vector<const char*> given;
    CHECK(EVP_KEYMGMT_names_do_all(
              km, [](const char* n, void* v) { static_cast<std::vector<const char*>*>(v)->push_back(n); },
              &given) == 1);
    REQUIRE(given.size() == from_openssl.size());
    for (std::size_t i = 0; i < given.size(); ++i) CHECK(given[i] == (*cache.names(km))[i].c_str());
    interpose::use_fetch_cache(nullptr);
  }).join();
  EVP_KEYMGMT_free(km);
}

}  // namespace mtls::test
