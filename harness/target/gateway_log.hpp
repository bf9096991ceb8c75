// What a launched gateway's own log says about one probe: a line showing that the gateway
// failed for reasons of its own (a file its workers cannot read, an upstream it cannot reach,
// no file descriptors left) makes the probe's verdict "target misbehaved", never a verdict
// about the certificate. Refused client certificates are logged too, and are not such lines.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "target/target.hpp"

namespace mtls::target {

// The first line of `text` (what `gateway` — "nginx", "apache", "haproxy", "caddy" — wrote
// to its log) that shows a gateway-internal failure, without its line break; nullopt when
// there is none or the gateway is not one whose log lines are known.
std::optional<std::string> internal_error_line(std::string_view gateway, std::string_view text);

// Whether `line` is `gateway` logging a refused or failed client (a certificate that did
// not verify, no certificate, a handshake the client broke off): what refusals_logged looks for.
bool client_refusal_line(std::string_view gateway, const std::string& line);

// The verification result a client-refusal line gives, "(10:certificate has expired)",
// "Error (10): certificate has expired", "no required SSL certificate"; "" when it gives none.
std::string refusal_reason(const std::string& line);

// How messages name a gateway's log: "apache error log", "haproxy log".
std::string log_label(std::string_view gateway);

// Follows a running target's log (RunningTarget::log_since_start) from probe to probe. nginx
// and httpd write a request's error line before they answer it; HAProxy logs a stream when it
// ends, just after its answer, so its line may be read with the next probe: still an error,
// never a verdict about a certificate.
class InternalErrorWatch {
 public:
  // `gateway`: the kind of target ("apache"); lines already in its log (startup) are not
  // looked at.
  InternalErrorWatch(const RunningTarget& target, std::string gateway);

  // The first gateway-internal line written since the previous call (or since construction),
  // as "<log label>: <line>"; nullopt when none, or when the target keeps no log of its own.
  std::optional<std::string> since_last_probe();
  // The same, for a probe the gateway refused: a gateway that logs a connection when it ends
  // (HAProxy) may write the refusal just after the client saw it, so up to `wait_ms` pass
  // for the first new line before the log is read.
  std::optional<std::string> since_last_refusal(int wait_ms);
  // The non-empty lines the last call read (at most `max`, the first ones), for the report.
  std::vector<std::string> last_lines(std::size_t max) const;

 private:
  const RunningTarget& target_;
  std::string gateway_;
  std::size_t mark_ = 0;  // bytes of log_since_start() already looked at
  std::string last_;      // what the last call read
};

}  // namespace mtls::target
