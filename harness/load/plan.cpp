#include "load/plan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/address.hpp>

namespace mtls::load {
namespace {

using scenario::Resumption;
using scenario::TlsVersion;

[[noreturn]] void bad(const scenario::LoadPhase& p, const std::string& what) {
  const std::string where = p.where.line > 0 ? " (line " + std::to_string(p.where.line) + ")" : "";
  throw std::invalid_argument("load phase '" + p.name + "'" + where + ": " + what);
}

void check(const scenario::LoadPhase& p) {
  if ((p.connections > 0) == (p.rate > 0))
    bad(p, "set exactly one of connections (closed loop) and rate (open loop)");
  if (p.connections < 0 || p.rate < 0) bad(p, "connections and rate must not be negative");
  if (!(p.duration_s > 0) || p.duration_s > 7 * 24 * 3600)
    bad(p, "duration_s must be positive and at most a week");
  if (p.warmup_s < 0 || p.ramp_up_s < 0) bad(p, "warmup_s and ramp_up_s must not be negative");
  if (p.requests_per_connection < 1) bad(p, "requests_per_connection must be at least 1");
  if (p.max_connections_total < 0) bad(p, "max_connections_total must not be negative");
  if (p.resumed_share < 0 || p.resumed_share > 1) bad(p, "resumed_share must be in [0, 1]");
  if (p.path.empty() || p.path.front() != '/') bad(p, "path must start with '/'");
  const bool tls13 = p.tls_version == TlsVersion::tls1_3;
  if (tls13 && (p.resumption == Resumption::session_id || p.resumption == Resumption::ticket))
    bad(p, "resumption '" + scenario::to_string(p.resumption) +
               "' exists only in TLS 1.2: set tls_version = \"1.2\" or resumption = \"psk\"");
  if (!tls13 && p.resumption == Resumption::psk)
    bad(p, "resumption 'psk' is TLS 1.3's: set tls_version = \"1.3\" or use \"ticket\"");
}

PlannedIdentity resolve_identity(const scenario::LoadPhase& p, const std::string& name,
                                 const pki::Fixtures& f) {
  PlannedIdentity out;
  out.name = name;
  if (scenario::sends_no_certificate(name)) return out;
  const auto* files = f.find(name);
  if (!files) bad(p, "identity '" + name + "' has no fixture files (is it declared in [[identity]]?)");
  out.credentials = tlsclient::credentials_for(*files);
  out.subject = files->subject;
  return out;
}

std::vector<PlannedIdentity> resolve_identities(const scenario::LoadPhase& p,
                                                const scenario::Scenario& s,
                                                const pki::Fixtures& f) {
  std::vector<scenario::WeightedIdentity> wanted = p.identities;
  if (wanted.empty()) {
    for (const auto& id : s.identities)
      if (id.fault == scenario::Fault::none && f.find(id.name)) {
        wanted.push_back({id.name, 1.0});
        break;
      }
    if (wanted.empty()) bad(p, "no identities given and the scenario has no valid identity");
  }
  double sum = 0;
  for (const auto& w : wanted) {
    if (!(w.weight > 0)) bad(p, "identity '" + w.identity + "' needs a positive weight");
    sum += w.weight;
  }
  std::vector<PlannedIdentity> out;
  double acc = 0;
  for (const auto& w : wanted) {
    auto id = resolve_identity(p, w.identity, f);
    acc += w.weight / sum;
    id.cumulative = acc;
    out.push_back(std::move(id));
  }
  out.back().cumulative = 1.0;  // no rounding gap at the top
  return out;
}

// Split n over k parts, the first n % k parts one larger.
std::int64_t share(std::int64_t n, int k, int i) { return n / k + (i < n % k ? 1 : 0); }

std::string request(const scenario::LoadPhase& p, const target::Endpoint& ep, bool close) {
  std::string path = ep.base_path + p.path;
  return "GET " + path + " HTTP/1.1\r\nHost: " + ep.server_name +
         "\r\nUser-Agent: mtls-harness-load\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
}

}  // namespace

Clock::time_point Plan::arrival_time(std::uint64_t g) const {
  // Arrivals follow the rate r(t) = rate * min(1, t / ramp): the g-th is where the integral
  // of r reaches g.
  const double rate = phase.rate, ramp = phase.ramp_up_s, k = static_cast<double>(g);
  double t = 0;
  if (ramp > 0 && k < rate * ramp / 2)
    t = std::sqrt(2 * k * ramp / rate);
  else
    t = ramp / 2 + k / rate;
  return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
}

Clock::time_point Plan::slot_start(std::uint64_t g) const {
  const double t = phase.ramp_up_s * static_cast<double>(g) / phase.connections;
  return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
}

Plan make_plan(const scenario::LoadPhase& phase, const scenario::Scenario& s,
               const pki::Fixtures& f, const target::Endpoint& ep, const PhaseOptions& opts) {
  check(phase);
  Plan plan;
  plan.phase = phase;
  plan.opts = opts;
  plan.open_loop = phase.rate > 0;
  if (plan.open_loop && opts.hold_connections)
    bad(phase, "holding connections open needs a closed loop (connections = N)");
  plan.identities = resolve_identities(phase, s, f);
  int threads = phase.threads > 0 ? phase.threads
                                  : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (!plan.open_loop) threads = std::min(threads, phase.connections);
  plan.threads = threads;
  for (int i = 0; i < threads; ++i) {
    ThreadPlan t;
    t.index = i;
    t.slots = plan.open_loop ? 0 : static_cast<int>(share(phase.connections, threads, i));
    t.quota = share(phase.max_connections_total, threads, i);
    if (phase.max_connections_total > 0 && t.quota == 0) continue;  // nothing to do
    plan.per_thread.push_back(t);
  }
  plan.threads = static_cast<int>(plan.per_thread.size());
  plan.host = ep.host;
  plan.port = ep.port;
  plan.server_name = ep.server_name;
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(ep.server_name, not_ip);
  plan.send_sni = static_cast<bool>(not_ip);
  boost::asio::ip::make_address(ep.host, not_ip);
  if (not_ip)
    throw std::invalid_argument("load phase '" + phase.name + "': target host '" + ep.host +
                                "' is not a numeric IP address (use 127.0.0.1)");
  plan.trust = ep.trust.string();
  plan.request_keep_alive = request(phase, ep, false);
  plan.request_close = request(phase, ep, true);
  return plan;
}

}  // namespace mtls::load
