#include "cases/verdict.hpp"

#include <fmt/core.h>

#include "cases/profile.hpp"
#include "probe/failure.hpp"

namespace mtls::cases {
namespace {

using scenario::ExpectKind;
using scenario::Fault;
using scenario::Layer;

// "the gateway accepted <this>": what was wrong with the client, in words.
std::string fault_phrase(const scenario::Case& c, Fault f) {
  if (c.identity == "none") return "a client that sent no certificate";
  if (f == Fault::none && c.expect.reason) {
    using scenario::Reason;
    if (*c.expect.reason == Reason::ocsp_revoked) return "a certificate its OCSP responder reports revoked";
    if (*c.expect.reason == Reason::ocsp_unknown) return "a certificate its OCSP responder does not know";
    if (*c.expect.reason == Reason::ocsp_unavailable)
      return "a certificate whose OCSP status it could not get (responder down)";
  }
  switch (f) {
    case Fault::none: return "a valid certificate";
    case Fault::expired: return "an expired certificate";
    case Fault::not_yet_valid: return "a certificate that is not yet valid";
    case Fault::wrong_ca: return "a certificate issued by an unknown CA";
    case Fault::revoked: return "a revoked certificate";
    case Fault::self_signed: return "a self-signed certificate";
    case Fault::wrong_eku: return "a certificate without the clientAuth extended key usage";
    case Fault::missing_intermediate: return "a certificate sent without its intermediate CA";
    case Fault::too_deep: return "a chain deeper than its verify depth";
    case Fault::weak_key: return "a certificate with an RSA-1024 key";
    case Fault::key_mismatch: return "a certificate signed for with the wrong private key";
    case Fault::not_allowed: return "an identity that is not on its allow-list";
  }
  return "this client";
}

// The text between <title> and </title> (nginx error pages), else the start of the body.
std::string body_gist(const std::string& body) {
  auto open = body.find("<title>");
  auto close = body.find("</title>");
  if (open != std::string::npos && close != std::string::npos && close > open)
    return body.substr(open + 7, close - open - 7);
  std::string flat;
  for (char ch : body.substr(0, 100)) flat += (ch == '\n' || ch == '\r') ? ' ' : ch;
  return flat;
}

struct Wanted {
  Layer layer = Layer::any;
  std::vector<std::string> alerts;
  std::optional<int> status;
};

Wanted wanted_for(const Judged& w) {
  const auto& e = w.c.expect;
  Wanted want;
  if (e.reason) {
    if (auto form = wire_form(w.profile, *e.reason, w.version)) {
      want.layer = form->layer;
      want.alerts = form->alerts;
      want.status = form->status;
    }
  }
  // Pins written in the case override what the profile says.
  if (e.alert) {
    want.layer = Layer::tls;
    want.alerts = {*e.alert};
    want.status.reset();
  }
  if (e.status) {
    want.layer = Layer::http;
    want.status = e.status;
    want.alerts.clear();
  }
  if (e.layer != Layer::any) want.layer = e.layer;
  return want;
}

std::string expected_text(const Judged& w, const Wanted& want) {
  const auto& e = w.c.expect;
  if (e.kind == ExpectKind::accept) {
    std::string t = "accept";
    if (e.status) t += fmt::format(" (HTTP {})", *e.status);
    return t;
  }
  std::string why = e.reason ? scenario::to_string(*e.reason) : "";
  std::string wire;
  if (want.layer == Layer::tls) {
    std::string alerts;
    for (const auto& a : want.alerts) alerts += (alerts.empty() ? "" : "|") + a;
    wire = alerts.empty() ? "TLS" : "TLS alert " + alerts;
  } else if (want.layer == Layer::http) {
    wire = want.status ? fmt::format("HTTP {}", *want.status) : "HTTP";
  } else if (want.layer == Layer::tcp) {
    wire = "TCP";
  }
  if (wire.empty()) return why.empty() ? "reject" : "reject (" + why + ")";
  return why.empty() ? "reject at " + wire : "reject at " + wire + " (" + why + ")";
}

bool matches(const Wanted& want, Observed obs, const probe::Outcome& o) {
  if (obs == Observed::accepted || obs == Observed::client_error ||
      obs == Observed::target_misbehaved)
    return false;
  switch (want.layer) {
    case Layer::any: break;
    case Layer::tcp:
      if (obs != Observed::tcp_failure) return false;
      break;
    case Layer::tls:
      if (obs != Observed::refused_tls) return false;
      break;
    case Layer::http:
      if (obs != Observed::refused_http) return false;
      break;
  }
  if (!want.alerts.empty()) {
    const auto* a = o.server_alert();
    if (!a) return false;
    bool any = false;
    for (const auto& name : want.alerts) any = any || a->name == name;
    if (!any) return false;
  }
  if (want.status && o.http_status != *want.status) return false;
  return true;
}

}  // namespace

Observed classify(const probe::Outcome& o) {
  using probe::TcpResult;
  if (o.tcp == TcpResult::refused || o.tcp == TcpResult::timeout ||
      o.tcp == TcpResult::unreachable || o.tcp == TcpResult::not_attempted)
    return Observed::tcp_failure;
  switch (probe::classify_failure(o).kind) {
    case probe::Failure::not_tls:
    case probe::Failure::handshake_timeout:
    case probe::Failure::response_timeout:
    case probe::Failure::header_too_large:
    case probe::Failure::body_too_large: return Observed::target_misbehaved;
    default: break;
  }
  if (o.server_alert()) return Observed::refused_tls;
  if (o.http_status >= 400) return Observed::refused_http;
  if (o.http_status >= 200) return Observed::accepted;
  // No alert from the server and no HTTP answer: if the client raised an alert itself, it
  // gave up (e.g. it does not trust the server's certificate); otherwise the server closed.
  for (const auto& a : o.alerts)
    if (!a.from_server && a.fatal) return Observed::client_error;
  return Observed::refused_tls;
}

std::string describe(const probe::Outcome& o) {
  const auto failure = probe::classify_failure(o);
  switch (classify(o)) {
    case Observed::accepted: return fmt::format("HTTP {}", o.http_status);
    case Observed::refused_http: {
      auto gist = body_gist(o.body);
      return gist.empty() ? fmt::format("HTTP {}", o.http_status)
                          : fmt::format("HTTP {} ({})", o.http_status, gist);
    }
    case Observed::refused_tls:
      if (const auto* a = o.server_alert())
        return fmt::format("TLS alert {} ({} handshake)", a->name,
                           a->during_handshake ? "during" : "after");
      if (failure.kind != probe::Failure::none)
        return fmt::format("{} (curl {}: {})", failure.text, o.curl_code, o.curl_error);
      return fmt::format("TLS closed without alert (curl {}: {})", o.curl_code, o.curl_error);
    case Observed::target_misbehaved:
      return fmt::format("{} (curl {}: {})", failure.text, o.curl_code, o.curl_error);
    case Observed::tcp_failure:
      return fmt::format("TCP {} (curl {}: {})", probe::to_string(o.tcp), o.curl_code, o.curl_error);
    case Observed::client_error:
      return fmt::format("client error (curl {}: {})", o.curl_code, o.curl_error);
  }
  return "?";
}

Verdict judge(const Judged& w, const probe::Outcome& o) {
  Verdict v;
  v.observed = classify(o);
  v.observed_text = describe(o);
  const Wanted want = wanted_for(w);
  v.expected_text = expected_text(w, want);
  const auto& e = w.c.expect;
  const std::string who = fmt::format("{} [TLS {}]", w.c.name, scenario::to_string(w.version));
  // Names the gateway when it is not the generic strict one, so a CI log line says which
  // gateway accepted what.
  const std::string gateway = w.profile == "strict" ? "" : fmt::format(" ('{}' profile)", w.profile);

  if (v.observed == Observed::target_misbehaved) {
    v.status = Status::error;
    v.message = fmt::format("{}: expected {}, but the target misbehaved: {}", who,
                            v.expected_text, v.observed_text);
    return v;
  }
  // No TCP connection is no answer from the gateway: never a refusal (nor a failed accept)
  // unless the expectation is about TCP itself.
  if (v.observed == Observed::tcp_failure && want.layer != Layer::tcp &&
      o.tcp != probe::TcpResult::not_attempted) {
    v.status = Status::error;
    v.message = fmt::format("{}: expected {}, but the target was unreachable: {}", who,
                            v.expected_text, v.observed_text);
    return v;
  }
  if (v.observed == Observed::client_error || o.tcp == probe::TcpResult::not_attempted) {
    v.status = Status::error;
    v.message = fmt::format("{}: expected {}, but the probe itself failed: {}", who,
                            v.expected_text, v.observed_text);
    return v;
  }
  if (e.kind == ExpectKind::accept) {
    bool ok = v.observed == Observed::accepted && (!e.status || o.http_status == *e.status);
    std::string dn;
    if (auto it = o.headers.find("x-client-dn"); it != o.headers.end()) dn = it->second;
    if (ok && e.seen_identity && dn.find(*e.seen_identity) == std::string::npos) {
      v.status = Status::fail;
      v.message = fmt::format("{}: expected the backend to see '{}', it saw '{}'", who,
                              *e.seen_identity, dn.empty() ? "no client identity" : dn);
      return v;
    }
    if (!ok) {
      v.status = Status::fail;
      v.message = fmt::format("{}: expected {}, got {} — the gateway refused {}{}", who,
                              v.expected_text, v.observed_text, fault_phrase(w.c, w.fault),
                              gateway);
    }
    return v;
  }
  if (v.observed == Observed::accepted) {
    v.status = Status::fail;
    v.message = fmt::format("{}: expected {}, got {} — the gateway accepted {}{}", who,
                            v.expected_text, v.observed_text, fault_phrase(w.c, w.fault),
                            gateway);
    return v;
  }
  if (!matches(want, v.observed, o)) {
    v.status = Status::fail;
    v.message = fmt::format("{}: expected {}, got {} — refused, but not the way the '{}' "
                            "profile says",
                            who, v.expected_text, v.observed_text, w.profile);
  }
  return v;
}

Verdict skipped(const scenario::Case& c) {
  Verdict v;
  v.status = Status::skipped;
  v.message = "skipped: " + c.skip;
  return v;
}

std::string to_string(Status s) {
  switch (s) {
    case Status::pass: return "pass";
    case Status::fail: return "fail";
    case Status::error: return "error";
    case Status::skipped: return "skipped";
  }
  return "?";
}

std::string to_string(Observed o) {
  switch (o) {
    case Observed::accepted: return "accepted";
    case Observed::refused_tls: return "refused_tls";
    case Observed::refused_http: return "refused_http";
    case Observed::tcp_failure: return "tcp_failure";
    case Observed::client_error: return "client_error";
    case Observed::target_misbehaved: return "target_misbehaved";
  }
  return "?";
}

}  // namespace mtls::cases
