// From facts and observations to the most likely cause. The rules run in order of how much
// they explain: what the client's own files show beats what the server's answer suggests,
// because a gateway's alert or 400 page names a symptom, not the cause.
#include <algorithm>
#include <fmt/core.h>
#include <functional>

#include "diagnose/diagnose.hpp"
#include "probe/failure.hpp"
#include "scenario/names.hpp"

namespace mtls::diagnose {
namespace {

struct Finding {
  std::string cause;
  std::string fix;
};

std::string join(const std::vector<std::string>& items, const std::string& sep = "; ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string versions_where(const Diagnosis& d, const std::function<bool(const Attempt&)>& pred) {
  std::vector<std::string> out;
  for (const auto& a : d.attempts)
    if (pred(a)) out.push_back("TLS " + scenario::to_string(a.version));
  return join(out, " and ");
}

bool all_reached(const Diagnosis& d, const std::function<bool(const Attempt&)>& pred) {
  bool any = false;
  for (const auto& a : d.attempts) {
    if (a.answer == Answer::unreachable) continue;
    if (!pred(a)) return false;
    any = true;
  }
  return any;
}

const probe::TlsAlert* server_alert(const Diagnosis& d) {
  for (const auto& a : d.attempts)
    if (const auto* al = a.server_view().server_alert()) return al;
  return nullptr;
}

const Attempt* with_status(const Diagnosis& d, int status) {
  for (const auto& a : d.attempts)
    if (a.server_view().http_status == status) return &a;
  return nullptr;
}

std::vector<std::string> advertised(const Diagnosis& d) {
  for (const auto& a : d.attempts)
    if (!a.server_view().acceptable_ca_names.empty()) return a.server_view().acceptable_ca_names;
  return {};
}

bool certificate_requested(const Diagnosis& d) {
  return std::any_of(d.attempts.begin(), d.attempts.end(),
                     [](const Attempt& a) { return a.server_view().certificate_requested; });
}

std::string header(const probe::Outcome& o, const std::string& name) {
  auto it = o.headers.find(name);
  return it == o.headers.end() ? "" : it->second;
}

std::optional<Finding> key_mismatch(const Diagnosis& d) {
  if (d.client.key_matches) return std::nullopt;
  std::string server;
  if (const auto* al = server_alert(d))
    server = fmt::format("; this gateway answered the wrong signature with alert {}", al->name);
  return Finding{
      fmt::format("The private key does not belong to the certificate: {}. curl refuses to load "
                  "such a pair (curl: (58) unable to set private key file); a client that sends "
                  "it anyway cannot sign for the certificate (CertificateVerify){}.",
                  d.client.key_mismatch_detail, server),
      "Use the key that was generated with this certificate's request: `openssl x509 -in CERT "
      "-noout -pubkey` and `openssl pkey -in KEY -pubout` must print the same public key."};
}

std::optional<Finding> server_not_trusted(const Diagnosis& d) {
  if (!all_reached(d, [](const Attempt& a) { return a.answer == Answer::server_untrusted; }))
    return std::nullopt;
  const auto& text = d.attempts.front().outcome.curl_error;
  if (text.find("subject name") != std::string::npos || text.find("hostname") != std::string::npos)
    return Finding{fmt::format("The server certificate does not carry the name '{}' the client "
                               "asks for (curl: (60) {}).", d.endpoint.server_name, text),
                   "Connect with a name the certificate carries (--servername NAME, curl "
                   "--resolve NAME:PORT:IP), or reissue the server certificate with this name."};
  return Finding{fmt::format("The client does not trust the server's certificate (curl: (60) {}): "
                             "the client gives up before the gateway judges its certificate.",
                             text),
                 "Give the client the CA that issued the server's certificate (--cacert FILE, "
                 "curl --cacert, your HTTP client's truststore). Without --cacert the system "
                 "store is used."};
}

std::optional<Finding> no_shared_version(const Diagnosis& d) {
  if (!all_reached(d, [](const Attempt& a) {
        const auto* al = a.server_view().server_alert();
        return al && al->name == "protocol_version";
      }))
    return std::nullopt;
  return Finding{"The server accepts neither TLS 1.2 nor TLS 1.3 from this client (alert "
                 "protocol_version on both).",
                 "Check the gateway's protocol settings (nginx ssl_protocols) and the client's "
                 "OpenSSL/TLS library version."};
}

std::optional<Finding> handshake_before_request(const Diagnosis& d) {
  if (certificate_requested(d)) return std::nullopt;
  if (!all_reached(d, [](const Attempt& a) { return a.server_answer() == Answer::refused_alert; }))
    return std::nullopt;
  return Finding{fmt::format("The server aborted the handshake (alert {}) before it asked for a "
                             "client certificate: client and server share no cipher suite, "
                             "signature algorithm or group.",
                             server_alert(d)->name),
                 "Compare what the client offers with what the gateway allows (nginx "
                 "ssl_ciphers, ssl_ecdh_curve); `openssl s_client -connect HOST:PORT -tls1_2` "
                 "shows what a default client negotiates."};
}

std::optional<Finding> validity(const Diagnosis& d) {
  const auto& c = d.client;
  if (c.validity == Validity::expired)
    return Finding{fmt::format("The client certificate expired on {} ({} days ago).", c.not_after,
                               c.days),
                   "Renew the certificate and deploy the new certificate and key to the client."};
  if (c.validity == Validity::not_yet_valid)
    return Finding{fmt::format("The client certificate is not valid before {} (in {} days): it "
                               "was issued with a future start date, or a clock is wrong.",
                               c.not_before, c.days),
                   "Check the clocks (NTP) of the CA and the gateway; reissue with notBefore at "
                   "or before now."};
  return std::nullopt;
}

std::optional<Finding> eku(const Diagnosis& d) {
  if (!d.client.has_eku || d.client.eku_client_auth) return std::nullopt;
  return Finding{fmt::format("The certificate's extended key usage ({}) does not include "
                             "clientAuth, which a gateway verifying clients requires.",
                             join(d.client.eku, ", ")),
                 "Reissue it with extendedKeyUsage = clientAuth."};
}

std::optional<Finding> weak_key(const Diagnosis& d) {
  if (!d.client.weak_key) return std::nullopt;
  return Finding{fmt::format("The certificate has a {} key: OpenSSL at security level 2 (the "
                             "Debian/Ubuntu default) refuses keys under 2048 bits, in clients "
                             "and gateways alike.", d.client.key_type),
                 "Reissue it with an RSA 2048+ or EC P-256 key."};
}

std::optional<Finding> not_requested(const Diagnosis& d) {
  if (certificate_requested(d)) return std::nullopt;
  return Finding{fmt::format("The server never asked for a client certificate on {}:{} with "
                             "server name '{}': mTLS is not enabled there, so the certificate "
                             "was never sent.",
                             d.endpoint.host, d.endpoint.port, d.endpoint.server_name),
                 "Check that the name (SNI) selects the server block/virtual host that has "
                 "client verification on (nginx: ssl_verify_client in that server block)."};
}

std::optional<Finding> not_under_advertised(const Diagnosis& d) {
  const auto names = advertised(d);
  if (names.empty()) return std::nullopt;
  const auto& m = d.attempts.front().chain;
  if (m.matched) return std::nullopt;
  const std::string listed = join(names);
  if (d.client.chain.empty())
    return Finding{fmt::format("The certificate's issuer '{}' is not among the CA names the server "
                               "accepts ({}), and the client sends no intermediate certificate: "
                               "either it was issued by a CA this gateway does not trust, or its "
                               "intermediate is missing from what the client sends.",
                               d.client.issuer, listed),
                   fmt::format("If '{}' is an intermediate under {}, send it after the leaf (cat "
                               "cert.pem intermediate.pem > fullchain.pem; curl --cert "
                               "fullchain.pem). Otherwise get a certificate issued under {}, or "
                               "have the gateway trust '{}'.",
                               d.client.issuer, listed, listed, d.client.issuer)};
  return Finding{fmt::format("The chain the client sends ends at '{}', which is not among the CA "
                             "names the server accepts ({}).", m.stuck_at, listed),
                 fmt::format("Get a certificate issued under {}, or have the gateway's client CA "
                             "bundle include '{}'.", listed, m.stuck_at)};
}

// The gateway is not (or not only) refusing: it speaks no TLS, stalls or floods. Nothing can
// be learned about the certificate until that is fixed, so this explains before anything else.
std::optional<Finding> gateway_misbehaves(const Diagnosis& d) {
  for (const auto& a : d.attempts) {
    const auto f = probe::classify_failure(a.outcome);
    const std::string said = fmt::format("The gateway misbehaved (TLS {}): {}.",
                                         scenario::to_string(a.version), f.text);
    switch (f.kind) {
      case probe::Failure::not_tls:
        return Finding{said, "Point --url at the gateway's TLS port, or enable TLS on this "
                             "listener."};
      case probe::Failure::handshake_timeout:
      case probe::Failure::response_timeout:
        return Finding{said, "The gateway took the TCP connection but did not finish in time: "
                             "check whether it is overloaded or stuck, and whether something in "
                             "between (a load balancer, a firewall) holds the connection; "
                             "--timeout-ms raises the wait."};
      case probe::Failure::header_too_large:
        return Finding{said, "Check the gateway and its backend for a header that grows without "
                             "bound (a redirect or cookie loop)."};
      case probe::Failure::body_too_large:
        return Finding{said, "The gateway answers with more than a probe reads: point --url at a "
                             "small resource."};
      default: break;
    }
  }
  return std::nullopt;
}

std::optional<Finding> from_alert(const Diagnosis& d) {
  const auto* al = server_alert(d);
  if (!al) return std::nullopt;
  const std::string& n = al->name;
  const std::string said = fmt::format("The gateway refused the certificate with alert {} ({})",
                                       n, al->code);
  if (n == "certificate_revoked")
    return Finding{said + ": it is on its CA's revocation list.",
                   "Issue a new certificate for this client."};
  if (n == "unknown_ca")
    return Finding{said + ", although the chain reaches a CA the server lists: the chain is "
                          "probably longer than the gateway's verify depth, or the gateway "
                          "lacks an intermediate.",
                   fmt::format("The client sends {} CA certificate(s); raise the gateway's verify "
                               "depth (nginx ssl_verify_depth) or issue from a CA closer to the "
                               "root.", d.client.chain.size())};
  if (n == "certificate_expired")
    return Finding{said + ", while the leaf is valid now: an intermediate has expired, or the "
                          "gateway's clock is wrong.",
                   "Check the intermediates' dates (openssl x509 -noout -dates) and the "
                   "gateway's clock."};
  if (n == "unsupported_certificate")
    return Finding{said + ": its key usage or extended key usage does not allow client "
                          "authentication.",
                   "Reissue it with keyUsage digitalSignature and extendedKeyUsage clientAuth."};
  if (n == "decrypt_error")
    return Finding{said + ": the CertificateVerify signature did not verify with the "
                          "certificate's key.",
                   "Use the private key that belongs to the certificate."};
  if (n == "handshake_failure" || n == "certificate_required")
    return Finding{said + ": it says it received no certificate, though one is configured.",
                   "Check that the client really sends it (openssl s_client -cert/-key shows "
                   "'Client Certificate Types' and what is sent)."};
  return Finding{said + ".", "Look at the gateway's log for the verification error."};
}

std::optional<Finding> from_http(const Diagnosis& d) {
  if (const auto* a = with_status(d, 403))
    return Finding{fmt::format("The certificate verified, but the gateway's policy refuses this "
                               "identity (HTTP 403{}): '{}' is not on its allow-list.",
                               header(a->server_view(), "x-client-verify").empty()
                                   ? ""
                                   : ", X-Client-Verify " +
                                         header(a->server_view(), "x-client-verify"),
                               d.client.subject),
                   "Ask for this identity to be allowed (CN/SAN), or use the identity the "
                   "gateway expects for this location."};
  const Attempt* a = with_status(d, 400);
  if (!a) a = with_status(d, 495);
  if (!a) a = with_status(d, 496);
  if (!a) return std::nullopt;
  const auto& o = a->server_view();
  if (o.body.find("No required SSL certificate was sent") != std::string::npos)
    return Finding{"nginx says no certificate arrived (400 'No required SSL certificate was "
                   "sent') although one is configured.",
                   "Check that the client sends it; a TLS stack that filters by the acceptable "
                   "CA names may drop it."};
  const std::string verify = header(o, "x-client-verify");
  return Finding{fmt::format("The gateway verified the certificate and failed (HTTP {}{}), for a "
                             "reason the client cannot see: revoked, a chain longer than its "
                             "verify depth, or a CRL missing for a CA in the chain.",
                             o.http_status, verify.empty() ? "" : ", X-Client-Verify " + verify),
                 "Read the gateway's error log ('client SSL certificate verify error: (N:...)'); "
                 "check revocation with openssl verify -crl_check_all."};
}

void explain_accepted(Diagnosis& d) {
  d.verdict = "accepted";
  d.exit_code = 0;
  d.cause = "The gateway accepts this client on " +
            versions_where(d, [](const Attempt& a) { return a.answer == Answer::accepted; }) + ".";
  d.fix = "Nothing to fix here. If your application is still refused, it does not send what was "
          "tested here: compare its certificate, key, chain and TLS version with these files.";
  for (const auto& a : d.attempts)
    if (a.answer != Answer::accepted)
      d.notes.push_back(fmt::format("TLS {}: {}", scenario::to_string(a.version), to_string(a.answer)));
}

}  // namespace

void conclude(Diagnosis& d) {
  if (std::all_of(d.attempts.begin(), d.attempts.end(),
                  [](const Attempt& a) { return a.answer == Answer::unreachable; })) {
    d.verdict = "unreachable";
    d.exit_code = 3;
    d.cause = fmt::format("Cannot connect to {}:{} ({}).", d.endpoint.host, d.endpoint.port,
                          d.attempts.empty() ? "" : d.attempts.front().outcome.curl_error);
    d.fix = "Check the address and port, that the gateway runs, and firewalls in between.";
    return;
  }
  if (std::any_of(d.attempts.begin(), d.attempts.end(),
                  [](const Attempt& a) { return a.answer == Answer::accepted; })) {
    explain_accepted(d);
    return;
  }
  d.exit_code = 1;
  if (auto f = gateway_misbehaves(d)) {
    d.verdict = "gateway misbehaved";
    d.cause = f->cause;
    d.fix = f->fix;
    return;
  }
  d.verdict = "refused";
  // `local`: a fact about the client's own files, true whatever the server said; the other
  // rules read the server's answer and only make sense as the first explanation.
  struct Rule {
    std::optional<Finding> (*find)(const Diagnosis&);
    bool local;
  };
  const Rule rules[] = {{key_mismatch, true},   {server_not_trusted, false},
                        {no_shared_version, false}, {handshake_before_request, false},
                        {validity, true},       {eku, true},
                        {weak_key, true},       {not_requested, false},
                        {not_under_advertised, true}, {from_alert, false},
                        {from_http, false}};
  bool primary = false;
  for (const auto& r : rules) {
    auto f = r.find(d);
    if (!f) continue;
    if (!primary) {
      d.cause = f->cause;
      d.fix = f->fix;
      primary = true;
    } else if (r.local) {
      d.notes.push_back("also: " + f->cause);
    }
  }
  if (std::any_of(d.attempts.begin(), d.attempts.end(), [](const Attempt& a) {
        return a.unverified_answer == Answer::accepted;
      }))
    d.notes.push_back("without verifying the server, the gateway accepted the certificate: only "
                      "the client's trust in the server is missing");
  if (!primary) {
    d.cause = "Refused: " + to_string(d.attempts.front().server_answer()) + " (" +
              d.attempts.front().server_view().curl_error + ").";
    d.fix = "Read the gateway's error log for this connection.";
  }
}

}  // namespace mtls::diagnose
