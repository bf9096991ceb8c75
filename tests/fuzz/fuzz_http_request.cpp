// libFuzzer target: arbitrary bytes as what a client sends the embedded target after its
// handshake. Each request is answered with a well-formed response or the connection ends;
// pipelined requests are handled one after another like on a keep-alive connection.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "target/embedded_exchange.hpp"

namespace {

using namespace mtls::target::embedded;

void require(bool ok) {
  if (!ok) std::abort();
}

// The first byte picks who is asking, so allowed, refused and anonymous clients all get fuzzed.
ClientIdentity peer_for(std::uint8_t selector) {
  ClientIdentity id;
  id.tls_version = "TLSv1.3";
  id.cipher = "TLS_AES_128_GCM_SHA256";
  if (selector % 3 == 0) {
    id.verify = "NONE";
    return id;
  }
  id.presented = true;
  id.verify = "SUCCESS";
  id.subject = selector % 3 == 1 ? "CN=valid,O=mtls-harness" : "CN=intruder,O=elsewhere";
  id.issuer = "CN=mtls-harness root CA";
  id.serial = "1A2B";
  id.common_names = {selector % 3 == 1 ? "valid" : "intruder"};
  id.san_dns = {"client.test"};
  return id;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ClientIdentity peer = peer_for(data[0]);
  mtls::scenario::AllowList allow;
  allow.common_names = {"valid"};
  mtls::target::EmbeddedLimits limits;
  limits.header_limit = 2048;  // small limits reach the over-limit paths with small inputs
  limits.body_limit = 4096;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Bounded by the input: every answered request consumes at least one byte.
  for (int i = 0; i < 64; ++i) {
    const Exchange x = handle_request_bytes(rest, peer, allow, limits);
    require(x.consumed <= rest.size());
    if (x.end == ReadEnd::closed || x.end == ReadEnd::dropped) {
      require(x.response.empty() && x.status == 0);
      break;
    }
    require(x.response.rfind("HTTP/1.", 0) == 0);
    if (x.end == ReadEnd::malformed) {
      require(x.status == 400 && !x.keep_alive);
      break;
    }
    require(x.status == 200 || x.status == 403);
    require((x.status == 403) == (peer.presented && peer.common_names[0] != "valid"));
    if (!x.keep_alive) break;
    require(x.consumed > 0);
    rest.remove_prefix(x.consumed);
  }
  return 0;
}
