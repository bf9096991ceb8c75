// How a load phase is run beyond what the scenario says: target CPU source, stop flag,
// progress, per-step timeout, the client's caches, held connections.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <sys/types.h>

namespace mtls::load {

// What a live progress line shows; also handed to PhaseOptions::on_progress.
struct Progress {
  double elapsed_s = 0;        // since the phase started (warm-up included)
  double handshakes_per_s = 0; // over the last interval
  double p99_ms = 0;           // worst worker's last completed second
  std::uint64_t connections = 0;
  std::uint64_t errors = 0;
  std::uint64_t open = 0;      // connections in flight (or held) right now
  double resumed_share = 0;    // resumed / completed handshakes so far
  bool warmup = false;
};

struct PhaseOptions {
  pid_t target_pid = 0;            // measure this process tree's CPU; 0: not a process we know
  bool target_in_process = false;  // the embedded target runs in this process (see above)
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): stop cleanly, mark partial
  // Progress: called about once a second when set; otherwise, with `progress_to_stderr`, an
  // updating line on a tty, a line every 5 s when stderr is not a tty.
  std::function<void(const Progress&)> on_progress;
  bool progress_to_stderr = true;
  std::chrono::milliseconds timeout{5000};  // per step: connect, handshake, each response
  // Re-verify a server leaf certificate identical (DER) to one this thread verified less
  // than a minute ago only by comparison: the handshake still parses the chain and checks
  // CertificateVerify, but not the chain signatures again. Off: full X509_verify_cert always.
  bool cache_server_verification = true;
  // Keep the parsed X509 of each server certificate (by DER) and reuse it when the same
  // bytes arrive again, instead of parsing them on every handshake (see cert_cache.hpp).
  bool cache_peer_certificates = true;
  // Keep the algorithm implementations OpenSSL fetches by name during a handshake (digests,
  // KDFs, MACs, signatures, key exchanges) per worker thread (see fetch_cache.hpp).
  bool cache_fetched_methods = true;
  // The alternative to that cache: each worker thread builds its contexts in an OpenSSL
  // library context of its own (OSSL_LIB_CTX, SSL_CTX_new_ex), so no two threads share a
  // method store or its locks. The name lookups per fetch stay. Off by default: the
  // benchmark measures it against the cache (BENCH_PER_THREAD_LIBCTX).
  bool per_thread_library_context = false;
  // All three off (`run --stock-openssl`): the client is OpenSSL as shipped.
  void use_stock_openssl() {
    cache_server_verification = cache_peer_certificates = cache_fetched_methods = false;
  }
  // Memory measurements: keep each connection open after its requests until the phase ends
  // (closed loop only; each slot then opens exactly one connection). Its requests ask for
  // keep-alive, so the server holds its end open as well.
  bool hold_connections = false;
  int max_in_flight_per_thread = 8192;  // open loop: arrivals beyond this wait (and it shows)
};

}  // namespace mtls::load
