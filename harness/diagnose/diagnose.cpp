#include "diagnose/diagnose.hpp"
#include "probe/observed.hpp"
#include "common/files.hpp"
#include "probe/failure.hpp"

#include "probe/probe.hpp"
#include "repro/target_url.hpp"

namespace mtls::diagnose {
namespace {

probe::Request request_for(const Options& o, const target::Endpoint& ep, const ClientCertFacts& f,
                           scenario::TlsVersion v) {
  probe::Request r;
  std::string base = ep.base_path.empty() ? "/" : ep.base_path;
  const std::string name = ep.server_name.find(':') != std::string::npos
                               ? "[" + ep.server_name + "]"
                               : ep.server_name;
  r.url = "https://" + name + ":" + std::to_string(ep.port) + base;
  r.connect_host = ep.host;
  r.connect_port = ep.port;
  r.trust = o.cacert.string();
  // Present what the files hold even when a stock client would refuse to (weak key, key
  // that does not match): what the server does with it is part of the diagnosis.
  r.client = tlsclient::ClientCredentials{o.cert, o.chain, o.key, f.weak_key, !f.key_matches};
  r.client->key_password_env = o.key_password_env;
  r.client->key_password_hint = key_password_hint();
  r.version = v;
  r.timeout_ms = o.timeout_ms;
  r.body_limit = 2048;
  return r;
}

}  // namespace

// The probe's one classifier, with what a diagnosis tells apart beyond it: a client that could
// not present its files, and one that refused the server.
Answer answer_of(const probe::Outcome& o) {
  if (o.tcp == probe::TcpResult::not_attempted) return Answer::not_presented;
  // 60: CURLE_PEER_FAILED_VERIFICATION. A received certificate_expired alert is mapped to it
  // too (libcurl), so only count it as the client's doing when no server alert came.
  const auto observed = probe::classify(o);
  if (observed != probe::Observed::tcp_failure && observed != probe::Observed::target_misbehaved &&
      o.curl_code == 60 && !o.server_alert())
    return Answer::server_untrusted;
  switch (observed) {
    case probe::Observed::tcp_failure: return Answer::unreachable;
    case probe::Observed::target_misbehaved: return Answer::misbehaved;
    case probe::Observed::refused_tls:
    case probe::Observed::version_not_offered:
      return o.server_alert() ? Answer::refused_alert : Answer::refused_closed;
    case probe::Observed::client_error: return Answer::refused_closed;
    case probe::Observed::refused_http: return Answer::refused_http;
    case probe::Observed::accepted:
    case probe::Observed::answered_http_error: return Answer::accepted;
  }
  return Answer::refused_closed;
}

std::string to_string(Answer a) {
  switch (a) {
    case Answer::accepted: return "accepted";
    case Answer::refused_alert: return "refused with a TLS alert";
    case Answer::refused_http: return "refused with an HTTP status";
    case Answer::refused_closed: return "connection closed without an answer";
    case Answer::server_untrusted: return "the client refused the server";
    case Answer::not_presented: return "the client could not load its certificate/key";
    case Answer::unreachable: return "unreachable";
    case Answer::misbehaved: return "the gateway misbehaved";
  }
  return "?";
}

Diagnosis diagnose(const Options& o) {
  Diagnosis d;
  d.endpoint = repro::endpoint_from_url(o.url, o.cacert);
  if (!o.server_name.empty()) d.endpoint.server_name = o.server_name;
  // Files handed to libcurl are checked the way the harness reads its own: bounded, regular.
  if (!o.cacert.empty()) common::check_input_file(o.cacert);
  d.client = inspect_client(o.cert, o.key, o.chain, o.key_password_env);
  for (auto v : {scenario::TlsVersion::tls1_2, scenario::TlsVersion::tls1_3}) {
    Attempt a;
    a.version = v;
    auto req = request_for(o, d.endpoint, d.client, v);
    a.outcome = probe::run(req);
    a.answer = answer_of(a.outcome);
    if (a.answer == Answer::server_untrusted) {
      req.verify_server = false;
      a.unverified = probe::run(req);
      a.unverified_answer = answer_of(*a.unverified);
    }
    a.chain = match_advertised(d.client, a.server_view().acceptable_ca_names);
    d.attempts.push_back(std::move(a));
  }
  conclude(d);
  return d;
}

}  // namespace mtls::diagnose
