#include "probe/observed.hpp"

#include "probe/failure.hpp"

namespace mtls::probe {

bool is_refusal_status(int status) {
  static constexpr std::array kRefusals = {400, 401, 403, 421, 495, 496, 497};
  for (int s : kRefusals)
    if (s == status) return true;
  return false;
}

const TlsAlert* version_refusal(const Outcome& o) {
  const auto* a = o.server_alert();
  if (a && a->during_handshake && a->name == "protocol_version") return a;
  return nullptr;
}

Observed classify(const Outcome& o) {
  if (o.tcp == TcpResult::refused || o.tcp == TcpResult::timeout ||
      o.tcp == TcpResult::unreachable || o.tcp == TcpResult::not_attempted)
    return Observed::tcp_failure;
  switch (classify_failure(o).kind) {
    case Failure::not_tls:
    case Failure::handshake_timeout:
    case Failure::response_timeout:
    case Failure::header_too_large:
    case Failure::body_too_large: return Observed::target_misbehaved;
    default: break;
  }
  if (version_refusal(o)) return Observed::version_not_offered;
  if (o.server_alert()) return Observed::refused_tls;
  if (o.http_status >= 400)
    return is_refusal_status(o.http_status) ? Observed::refused_http : Observed::answered_http_error;
  if (o.http_status >= 200) return Observed::accepted;
  // No alert from the server and no HTTP answer: if the client raised an alert itself, it
  // gave up (e.g. it does not trust the server's certificate); otherwise the server closed.
  for (const auto& a : o.alerts)
    if (!a.from_server && a.fatal) return Observed::client_error;
  return Observed::refused_tls;
}

}  // namespace mtls::probe
