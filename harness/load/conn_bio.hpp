// The bytes between one load connection's socket and its SSL object.
//
// OpenSSL reads and writes through a BIO over these buffers, never the socket itself; the
// connection moves the bytes with Asio. Why not OpenSSL's socket BIO: every time it has to
// wait, it first reads the socket to EAGAIN, and the readiness wait that follows re-arms
// epoll (an epoll_ctl per wait), so each wait costs three system calls where a speculative
// Asio receive costs one; and a socket BIO sends every flight at once, so the client's last
// handshake flight and the first request go to the server as two segments (two wake-ups of
// the server, two trips through the loopback stack) instead of one.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <openssl/bio.h>

namespace mtls::load {

struct ConnBytes {
  // Received, not yet read by OpenSSL: [begin, end) of `in`.
  std::unique_ptr<char[]> in;
  std::size_t in_capacity = 0, begin = 0, end = 0;
  bool eof = false;    // the peer closed its side
  int error = 0;       // errno of a failed receive (ECONNRESET...), 0 if none
  // Written by OpenSSL, not yet sent: out[sent, size).
  std::string out;
  std::size_t sent = 0;

  std::size_t unread() const { return end - begin; }
  std::size_t unsent() const { return out.size() - sent; }
  // Room for the next receive at the end of `in` (compacting or growing it).
  char* receive_space(std::size_t want);
  void received(std::size_t n) { end += n; }
  void reset();    // a new connection: empty, no eof, no error (keeps the receive buffer)
  void release();  // also gives the buffers' memory back (a connection held open)
};

// A BIO reading from and writing to `bytes` (which must outlive it). Reads with nothing
// received ask to be retried, or report the end of the stream (BIO_eof) or the receive
// error (errno set, no retry) once the socket said so; writes always complete.
BIO* new_conn_bio(ConnBytes* bytes);

}  // namespace mtls::load
