// One HTTP request of the embedded target as a pure function: the bytes a client sent (after
// the TLS handshake) and what the handshake established about it -> the bytes written back.
// The session uses the same parser limits, routing and responses (embedded_http.hpp); this
// entry point exists so the request handling can be tested and fuzzed without sockets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "target/embedded_identity.hpp"
#include "target/embedded_server.hpp"

namespace mtls::target::embedded {

// How reading one request ended; the session acts on it the same way.
enum class ReadEnd {
  request,    // a complete request: answered by the allow-list and identity echo
  malformed,  // unparsable or over a limit: answered 400 {"error":"malformed_request"}, then closed
  closed,     // the client closed cleanly between requests: TLS shutdown, no answer
  dropped,    // any other transport error: closed without an answer
};

struct Exchange {
  ReadEnd end = ReadEnd::closed;
  std::size_t consumed = 0;  // bytes of the input this request used (pipelined ones follow)
  int status = 0;            // HTTP status written; 0 when nothing is written
  bool keep_alive = false;   // the connection stays open for the next request
  std::string response;      // the serialized HTTP response; empty when nothing is written
};

// Parses one request from the start of `bytes`. Input that ends before the request is
// complete is treated as the client closing the connection there.
Exchange handle_request_bytes(std::string_view bytes, const ClientIdentity& peer,
                              const scenario::AllowList& allow, const EmbeddedLimits& limits);

}  // namespace mtls::target::embedded
