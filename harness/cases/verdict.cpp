#include "cases/verdict.hpp"

#include <algorithm>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cases/profile.hpp"
#include "cases/refusal.hpp"
#include "probe/failure.hpp"

namespace mtls::cases {
namespace {

using scenario::ExpectKind;
using scenario::Fault;
using scenario::Layer;
using scenario::Reason;

// "the gateway accepted <this>": what was wrong with the client, in words.
std::string fault_phrase(const scenario::Case& c, Fault f) {
  if (scenario::sends_no_certificate(c.identity)) return "a client that sent no certificate";
  if (f == Fault::none && c.expect.reason) {
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

// The check a refusal is about, as in "the refusal says nothing about <this>".
std::string check_phrase(std::optional<Reason> r) {
  if (!r) return "the fault under test";
  switch (*r) {
    case Reason::no_certificate: return "a missing certificate";
    case Reason::unknown_ca: return "the issuer";
    case Reason::certificate_expired: return "expiry";
    case Reason::certificate_not_yet_valid: return "the validity start";
    case Reason::certificate_revoked: return "revocation";
    case Reason::unsupported_certificate: return "the extended key usage";
    case Reason::bad_certificate: return "the certificate";
    case Reason::chain_too_long: return "the verify depth";
    case Reason::weak_key: return "the key size";
    case Reason::key_mismatch: return "the key";
    case Reason::not_allowed: return "the allow-list";
    case Reason::ocsp_revoked:
    case Reason::ocsp_unknown:
    case Reason::ocsp_unavailable: return "the OCSP status";
  }
  return "the fault under test";
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
  bool not_checkable = false;  // the profile says this gateway cannot refuse the reason
};

bool pinned(const scenario::Expectation& e) { return e.alert || e.status || e.layer != Layer::any; }

Wanted wanted_for(const Judged& w) {
  const auto& e = w.c.expect;
  Wanted want;
  if (e.reason) {
    if (auto form = wire_form(w.profile, *e.reason, w.version)) {
      want.layer = form->layer;
      want.alerts = form->alerts;
      want.status = form->status;
    } else {
      want.not_checkable = e.kind == ExpectKind::reject && !pinned(e);
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

bool is_refusal(Observed obs) { return obs == Observed::refused_tls || obs == Observed::refused_http; }

bool matches(const Wanted& want, Observed obs, const probe::Outcome& o) {
  // A TCP failure is never the gateway refusing a certificate, unless the case asks for it.
  if (obs == Observed::tcp_failure) return want.layer == Layer::tcp;
  if (!is_refusal(obs)) return false;
  switch (want.layer) {
    case Layer::any: break;
    case Layer::tcp: return false;
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
    if (std::find(want.alerts.begin(), want.alerts.end(), a->name) == want.alerts.end()) return false;
  }
  if (want.status && o.http_status != *want.status) return false;
  return true;
}

// Would the gateway answer an untrusted issuer the same way? Then a matching refusal says
// nothing about the fault itself.
bool same_as_unknown_issuer(const Judged& w, const Wanted& want) {
  auto untrusted = wire_form(w.profile, Reason::unknown_ca, w.version);
  if (!untrusted) return true;
  if (want.layer == Layer::any) return true;
  return untrusted->layer == want.layer && untrusted->alerts == want.alerts &&
         untrusted->status == want.status;
}

bool is_issuer_fault(const Judged& w) {
  return w.fault == Fault::wrong_ca || w.fault == Fault::self_signed ||
         w.fault == Fault::missing_intermediate ||
         (w.c.expect.reason && *w.c.expect.reason == Reason::unknown_ca);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "; ") + n;
  return out;
}

bool chains_to_advertised(const PresentedIdentity& id, const std::vector<std::string>& names) {
  for (const auto& n : id.chain_names)
    if (std::find(names.begin(), names.end(), n) != names.end()) return true;
  return false;
}

// Why a refusal of a presented certificate cannot be about its fault, or empty when it can.
std::string inconclusive_because(const Judged& w, const Wanted& want, Observed obs,
                                 const probe::Outcome& o) {
  if (scenario::sends_no_certificate(w.c.identity) || !is_refusal(obs)) return "";
  const auto about = check_phrase(w.c.expect.reason);
  if (o.handshake_done && !o.certificate_requested)
    return fmt::format("the gateway never asked for a client certificate, so the refusal says "
                       "nothing about {}",
                       about);
  if (!w.identity || is_issuer_fault(w) || !o.certificate_requested || o.acceptable_ca_names.empty())
    return "";
  if (chains_to_advertised(*w.identity, o.acceptable_ca_names)) return "";
  // A refusal only the fault can explain (strict: certificate_expired) is conclusive even when
  // the advertised list is incomplete.
  if (matches(want, obs, o) && !same_as_unknown_issuer(w, want)) return "";
  return fmt::format("the gateway does not trust this identity's issuer ({}); it accepts only "
                     "{}, so the refusal says nothing about {}",
                     w.identity->issuer, joined(o.acceptable_ca_names), about);
}

// A refusal the wire shows to come from another check than the one the case is about.
std::string refused_for_another_reason(const Judged& w, const probe::Outcome& o) {
  const auto reason = w.c.expect.reason;
  if (!reason || scenario::sends_no_certificate(w.c.identity)) return "";
  const auto about = check_phrase(reason);
  const auto seen = refusal_evidence(o);
  if (seen.kind == Evidence::no_certificate_sent && *reason != Reason::no_certificate)
    return fmt::format("refused as if no certificate was sent ({}), not for {} — the client's "
                       "certificate never reached the gateway's check",
                       seen.text, about);
  if (!checked_by_verification(*reason)) return "";
  if (seen.kind == Evidence::policy)
    return fmt::format("refused by the allow-list ({}), not for {} — the certificate got through "
                       "the gateway's verification: it does not check {}",
                       seen.text, about, about);
  if (seen.kind == Evidence::verified)
    return fmt::format("refused after the certificate verified ({}), not for {}", seen.text, about);
  return "";
}

std::string issuer_hint(const Judged& w, const probe::Outcome& o) {
  if (!w.identity || !o.certificate_requested || o.acceptable_ca_names.empty()) return "";
  if (chains_to_advertised(*w.identity, o.acceptable_ca_names)) return "";
  return fmt::format(" (its issuer {} is not among the CAs the gateway accepts: {})",
                     w.identity->issuer, joined(o.acceptable_ca_names));
}

}  // namespace

std::string describe(const probe::Outcome& o) {
  const auto failure = probe::classify_failure(o);
  switch (classify(o)) {
    case Observed::accepted: return fmt::format("HTTP {}", o.http_status);
    case Observed::refused_http:
    case Observed::answered_http_error: {
      auto gist = body_gist(o.body);
      return gist.empty() ? fmt::format("HTTP {}", o.http_status)
                          : fmt::format("HTTP {} ({})", o.http_status, gist);
    }
    case Observed::version_not_offered:
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
  auto verdict = [&](Status s, std::string message) {
    v.status = s;
    v.message = who + ": " + std::move(message);
    return v;
  };

  switch (v.observed) {
    case Observed::target_misbehaved:
      return verdict(Status::error, fmt::format("expected {}, but the target misbehaved: {}",
                                                v.expected_text, v.observed_text));
    case Observed::version_not_offered:
      return verdict(Status::error,
                     fmt::format("the gateway does not offer TLS {} ({} alert); no case was judged on it",
                                 scenario::to_string(w.version), version_refusal(o)->name));
    case Observed::client_error:
      return verdict(Status::error, fmt::format("expected {}, but the probe itself failed: {}",
                                                v.expected_text, v.observed_text));
    case Observed::tcp_failure:
      if (o.tcp == probe::TcpResult::not_attempted)
        return verdict(Status::error, fmt::format("expected {}, but the probe itself failed: {}",
                                                  v.expected_text, v.observed_text));
      if (!matches(want, v.observed, o))
        return verdict(Status::error, fmt::format("expected {}, but the target was unreachable: {}",
                                                  v.expected_text, v.observed_text));
      return v;
    default: break;
  }

  if (e.kind == ExpectKind::accept) {
    if (v.observed == Observed::answered_http_error)
      return verdict(Status::fail, fmt::format("accepted the certificate, then answered HTTP {} for {}",
                                               o.http_status, w.c.path));
    if (v.observed != Observed::accepted)
      return verdict(Status::fail, fmt::format("expected {}, got {} — the gateway refused {}{}{}",
                                               v.expected_text, v.observed_text,
                                               fault_phrase(w.c, w.fault), gateway,
                                               issuer_hint(w, o)));
    if (e.status && o.http_status != *e.status)
      return verdict(Status::fail, fmt::format("expected {}, got {}", v.expected_text, v.observed_text));
    if (w.verify == scenario::VerifyMode::required && !scenario::sends_no_certificate(w.c.identity) &&
        o.handshake_done && !o.certificate_requested)
      return verdict(Status::fail, "expected accept with a verified client certificate, but the "
                                   "gateway never asked for a client certificate");
    // What the application got, when the harness records it; else what the gateway answered.
    std::string dn;
    const std::string* forwarded = w.backend && w.backend->reached ? w.backend->header("X-Client-DN") : nullptr;
    if (forwarded) dn = *forwarded;
    else if (auto it = o.headers.find("x-client-dn"); it != o.headers.end()) dn = it->second;
    if (e.seen_identity && dn.find(*e.seen_identity) == std::string::npos)
      return verdict(Status::fail, fmt::format("expected the backend to see '{}', it saw '{}'",
                                               *e.seen_identity, dn.empty() ? "no client identity" : dn));
    return v;
  }

  if (want.not_checkable)
    return verdict(Status::not_checkable,
                   fmt::format("not checkable on this gateway — the '{}' profile says it cannot "
                               "refuse {} (observed {})",
                               w.profile, fault_phrase(w.c, w.fault), v.observed_text));
  if (v.observed == Observed::accepted)
    return verdict(Status::fail, fmt::format("expected {}, got {} — the gateway accepted {}{}",
                                             v.expected_text, v.observed_text,
                                             fault_phrase(w.c, w.fault), gateway));
  if (v.observed == Observed::answered_http_error && !matches(want, v.observed, o))
    return verdict(Status::fail,
                   fmt::format("expected {}, got {} — the gateway accepted {}{}, then answered "
                               "HTTP {} for {}",
                               v.expected_text, v.observed_text, fault_phrase(w.c, w.fault),
                               gateway, o.http_status, w.c.path));
  if (auto why = inconclusive_because(w, want, v.observed, o); !why.empty())
    return verdict(Status::inconclusive, "inconclusive — " + why);
  if (auto why = refused_for_another_reason(w, o); !why.empty())
    return verdict(Status::fail, why);
  if (!matches(want, v.observed, o))
    return verdict(Status::fail, fmt::format("expected {}, got {} — refused, but not the way the "
                                             "'{}' profile says",
                                             v.expected_text, v.observed_text, w.profile));
  return v;
}

Verdict skipped(const scenario::Case& c) {
  Verdict v;
  v.status = Status::skipped;
  v.message = "skipped: " + c.skip;
  return v;
}

Verdict version_not_offered(const scenario::Case& c, const std::string& why) {
  Verdict v;
  v.status = Status::error;
  v.observed = Observed::version_not_offered;
  v.observed_text = "not run: " + why;
  v.expected_text = c.expect.kind == ExpectKind::accept ? "accept" : "reject";
  // The message is said once, on the case that found it; these cases only point at it.
  return v;
}

}  // namespace mtls::cases
