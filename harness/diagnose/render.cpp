#include "diagnose/render.hpp"

#include <fmt/core.h>

#include "repro/render.hpp"
#include "scenario/names.hpp"

namespace mtls::diagnose {
namespace {

void row(std::ostream& out, const std::string& label, const std::string& text) {
  out << fmt::format("  {:<22}{}\n", label, text);
}

std::string ok_or(bool ok, const std::string& good, const std::string& bad) {
  return ok ? "ok — " + good : "PROBLEM — " + bad;
}

std::string validity_text(const ClientCertFacts& c) {
  const std::string window = c.not_before + " .. " + c.not_after;
  switch (c.validity) {
    case Validity::ok: return window + "  " + ok_or(true, fmt::format("{} days left", c.days), "");
    case Validity::expired: return window + "  " + ok_or(false, "", fmt::format("EXPIRED {} days ago", c.days));
    case Validity::not_yet_valid:
      return window + "  " + ok_or(false, "", fmt::format("NOT YET VALID (starts in {} days)", c.days));
  }
  return window;
}

std::string eku_text(const ClientCertFacts& c) {
  if (!c.has_eku) return "none (any purpose) — ok";
  std::string list;
  for (const auto& e : c.eku) list += (list.empty() ? "" : ", ") + e;
  return list + "  " + ok_or(c.eku_client_auth, "clientAuth present", "clientAuth MISSING");
}

void print_client(const ClientCertFacts& c, const Options& o, std::ostream& out) {
  out << "client certificate " << o.cert.string() << "\n";
  row(out, "subject", c.subject);
  row(out, "issuer", c.issuer);
  std::string chain;
  for (const auto& s : c.chain) chain += (chain.empty() ? "" : " | ") + s.subject + " (issuer " + s.issuer + ")";
  row(out, "chain sent", c.chain.empty() ? "the leaf alone" : chain);
  row(out, "validity", validity_text(c));
  row(out, "extended key usage", eku_text(c));
  row(out, "key", c.key_type + "  " + ok_or(c.key_matches, "the key matches the certificate",
                                             "the key does NOT match the certificate"));
}

std::string answer_text(const probe::Outcome& o) {
  if (const auto* al = o.server_alert())
    return fmt::format("alert {} ({}) {} the handshake", al->name, al->code,
                       al->during_handshake ? "during" : "after");
  if (o.http_status) {
    std::string text = fmt::format("HTTP {}", o.http_status);
    const auto open = o.body.find("<title>");
    const auto close = o.body.find("</title>");
    if (open != std::string::npos && close != std::string::npos && close > open)
      text += " \"" + o.body.substr(open + 7, close - open - 7) + "\"";
    if (auto it = o.headers.find("x-client-verify"); it != o.headers.end())
      text += ", X-Client-Verify: " + it->second;
    return text;
  }
  return o.curl_error.empty() ? "nothing" : o.curl_error;
}

void print_attempt(const Attempt& a, std::ostream& out) {
  out << "TLS " << scenario::to_string(a.version) << "\n";
  const auto& o = a.outcome;
  row(out, "client (curl)", repro::curl_line(o));
  if (a.unverified) {
    row(out, "", "again without verifying the server, to see what it does with the certificate:");
    row(out, "", repro::curl_line(*a.unverified));
  }
  const auto& v = a.server_view();
  if (v.tcp == probe::TcpResult::connected) {
    if (!v.tls_version.empty()) row(out, "negotiated", v.tls_version + " " + v.cipher);
    std::string names;
    for (const auto& n : v.acceptable_ca_names) names += (names.empty() ? "" : "; ") + n;
    row(out, "certificate request", !v.certificate_requested ? "none: the server did not ask for a client certificate"
                                    : names.empty() ? "yes, naming no CAs"
                                                    : "acceptable CAs: " + names);
    if (v.certificate_requested && !v.acceptable_ca_names.empty())
      row(out, "chain to those CAs", a.chain.matched
                                         ? "ok — reaches " + a.chain.ca_name
                                         : "PROBLEM — stops at " + a.chain.stuck_at);
    row(out, "server answered", answer_text(v));
  }
  row(out, "result", to_string(a.answer));
}

}  // namespace

void print_diagnosis(const Diagnosis& d, const Options& o, std::ostream& out) {
  out << fmt::format("diagnose {} (connect {}:{}, server name {})\n\n", o.url, d.endpoint.host,
                     d.endpoint.port, d.endpoint.server_name);
  print_client(d.client, o, out);
  for (const auto& a : d.attempts) {
    out << "\n";
    print_attempt(a, out);
  }
  out << "\nverdict: " << d.verdict << "\n";
  out << "most likely cause: " << d.cause << "\n";
  out << "fix: " << d.fix << "\n";
  for (const auto& n : d.notes) out << "note: " << n << "\n";
}

}  // namespace mtls::diagnose
