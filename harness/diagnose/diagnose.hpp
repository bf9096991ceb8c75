// `mtls-harness diagnose`: point it at a live gateway with a client's certificate and key and
// it says why that client is refused — the manual steps of mTLS troubleshooting guides
// (s_client, look at the acceptable CA names, openssl x509 -dates/-ext, compare keys),
// automated: one connection per TLS version, then the most likely cause and its fix.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "diagnose/client_cert.hpp"
#include "probe/observed.hpp"
#include "scenario/scenario.hpp"
#include "target/target.hpp"

namespace mtls::diagnose {

struct Options {
  std::string url;                    // https://host:port/path; host is what is connected to
  std::filesystem::path cert, key, chain;  // chain: optional extra intermediates
  std::filesystem::path cacert;       // CA of the server certificate; empty: system store
  std::string server_name;            // SNI and the name checked; empty: the URL's host
  long timeout_ms = 5000;
  std::string key_password_env;       // environment variable with the passphrase of `key`
};

// How one TLS version went, from the client's point of view.
enum class Answer {
  accepted,         // an HTTP answer that is not a client-certificate refusal
  refused_alert,    // the server sent a fatal alert
  refused_http,     // a refusal status (probe::is_refusal_status) after a completed handshake
  refused_closed,   // the connection ended without alert or answer
  server_untrusted, // the client refused the server (curl 60): nothing learned about the cert
  not_presented,    // the client could not even load the certificate and key
  unreachable,      // no TCP connection
  misbehaved,       // no TLS, a handshake/response timeout, an oversized header (probe/failure.hpp)
};

struct Attempt {
  scenario::TlsVersion version = scenario::TlsVersion::tls1_3;
  probe::Outcome outcome;        // with the client as configured
  Answer answer = Answer::unreachable;
  // When the client refused the server: the same connection without verifying the server,
  // to learn what the server thinks of the certificate anyway.
  std::optional<probe::Outcome> unverified;
  std::optional<Answer> unverified_answer;
  ChainMatch chain;              // the client's chain vs the CA names this server listed

  // The outcome that shows what the server did with the certificate.
  const probe::Outcome& server_view() const { return unverified ? *unverified : outcome; }
  Answer server_answer() const { return unverified_answer ? *unverified_answer : answer; }
};

struct Diagnosis {
  target::Endpoint endpoint;
  ClientCertFacts client;
  std::vector<Attempt> attempts;
  std::string verdict;   // "accepted", "refused", "gateway misbehaved", "unreachable"
  std::string cause;     // the most likely cause, one or two sentences
  std::string fix;
  std::vector<std::string> notes;  // other findings worth knowing
  int exit_code = 1;     // 0 accepted, 1 refused, 3 unreachable
};

// Throws std::runtime_error when the URL or the local files are unusable (exit 2).
Diagnosis diagnose(const Options& o);

Answer answer_of(const probe::Outcome& o);
std::string to_string(Answer a);

// Fills verdict, cause, fix, notes and exit_code from the facts and attempts.
void conclude(Diagnosis& d);

}  // namespace mtls::diagnose
