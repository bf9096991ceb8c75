// A small OCSP responder on loopback for one run: HTTP POST (the DER request as body) and GET
// (/<percent-encoded base64 of it>), RFC 6960 appendix A and RFC 5019, answered from the
// fixture PKI's statuses (pki::OcspLedger). Or a responder that is down, to see whether a
// gateway fails open or closed. Asio and Beast stay behind the pimpl.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "pki/ocsp_ledger.hpp"

namespace mtls::target {

class OcspResponder {
 public:
  // Listens on host:<free port> and answers from a thread of its own until stop(). One line
  // per request goes to `log` (method, what was asked, the answer) when it is not empty.
  // Throws TargetError when the address cannot be bound.
  static std::unique_ptr<OcspResponder> start(pki::OcspLedger ledger, const std::string& host,
                                              const std::filesystem::path& log = {});
  // Down: a port held bound but never listening, so every connection is refused and nothing
  // else can take the port while the run lasts.
  static std::unique_ptr<OcspResponder> start_down(const std::string& host);

  ~OcspResponder();
  OcspResponder(const OcspResponder&) = delete;
  OcspResponder& operator=(const OcspResponder&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT/"
  int port() const;
  bool up() const;
  std::size_t requests() const;  // HTTP requests answered, any status
  void stop();                   // idempotent; also done by the destructor

  struct Impl;
  explicit OcspResponder(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// The DER request an OCSP GET carries in its path: percent-decoded, then base64-decoded.
// Empty when either step fails.
std::string ocsp_get_request(std::string_view target_path);

}  // namespace mtls::target
