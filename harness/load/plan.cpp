#include "load/plan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fmt/format.h>

#include "cases/profile.hpp"
#include "load/fd_limit.hpp"
#include "scenario/names.hpp"

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
  if (!(p.drain_s >= 0) || p.drain_s > 3600) bad(p, "drain_s must be between 0 and 3600");
  if (p.path.empty() || p.path.front() != '/') bad(p, "path must start with '/'");
  const bool tls13 = p.tls_version == TlsVersion::tls1_3;
  if (tls13 && (p.resumption == Resumption::session_id || p.resumption == Resumption::ticket))
    bad(p, "resumption '" + scenario::to_string(p.resumption) +
               "' exists only in TLS 1.2: set tls_version = \"1.2\" or resumption = \"psk\"");
  if (!tls13 && p.resumption == Resumption::psk)
    bad(p, "resumption 'psk' is TLS 1.3's: set tls_version = \"1.3\" or use \"ticket\"");
}

// What a correct gateway does with this identity, in the words of the target's profile (the
// table the cases judge by): a fault is refused with its reason's wire form, and a fault the
// profile says the gateway cannot refuse is not held against it either way.
void expect_of(const scenario::LoadPhase& p, const scenario::Scenario& s, PlannedIdentity& id) {
  std::optional<scenario::Reason> reason;
  if (scenario::sends_no_certificate(id.name)) {
    if (s.target.verify == scenario::VerifyMode::required) reason = scenario::Reason::no_certificate;
  } else if (const auto* declared = s.find_identity(id.name)) {
    reason = scenario::reason_for(declared->fault);
  }
  if (!reason) {
    id.expect = scenario::sends_no_certificate(id.name)
                    ? fmt::format("accepted (verify = \"{}\")", scenario::to_string(s.target.verify))
                    : "accepted";
    return;
  }
  const auto form = cases::wire_form(s.target.profile, *reason, p.tls_version);
  if (!form) {
    id.expect = fmt::format("not judged: this gateway cannot refuse {} (profile {})",
                            scenario::to_string(*reason), s.target.profile);
    return;
  }
  id.must_refuse = true;
  for (const auto& alert : form->alerts) id.refusal_keys.push_back("tls_alert:" + alert);
  if (form->status) id.refusal_keys.push_back("http_status:" + std::to_string(*form->status));
  std::string keys;
  for (const auto& k : id.refusal_keys) keys += (keys.empty() ? "" : " or ") + k;
  id.expect = fmt::format("refused ({}): {}", scenario::to_string(*reason), keys);
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
    expect_of(p, s, id);
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

// The address the workers connect to. An IP literal is used as it is; a host name is
// resolved once, and of its addresses (localhost: ::1 and 127.0.0.1) the first that accepts
// a TCP connection is taken, so a target listening on one family only is still reached.
boost::asio::ip::address resolve_target(const scenario::LoadPhase& p, const std::string& host,
                                        int port, std::chrono::milliseconds timeout) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  const auto literal = asio::ip::make_address(host, ec);
  if (!ec) return literal;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  const auto found = resolver.resolve(host, std::to_string(port), ec);
  if (ec || found.empty())
    bad(p, fmt::format("target host '{}' does not resolve: {}", host,
                       ec ? ec.message() : "no address"));
  for (const auto& entry : found) {
    // One context per attempt: an attempt cut off by the timeout dies with it, unrun.
    asio::io_context attempt;
    bool connected = false;
    asio::ip::tcp::socket probe(attempt);
    probe.async_connect(entry.endpoint(), [&](const boost::system::error_code& e) { connected = !e; });
    attempt.run_for(timeout);
    if (connected) return entry.endpoint().address();
  }
  return found.begin()->endpoint().address();  // none answers: its errors show in the phase
}

// Descriptors kept free for everything else the process opens while a phase runs (report
// files, the gateway log, a revocation check, OCSP, the embedded target's listener).
constexpr std::uint64_t kSpareFiles = 256;

// A closed loop that cannot fit is refused before it starts, with the numbers; an open loop
// is capped: arrivals beyond what fits wait for a free connection, and that wait shows as
// latency, as with max_in_flight_per_thread.
void fit_open_files(Plan& plan) {
  const auto limit = raise_open_file_limit();
  const std::uint64_t per_connection = plan.opts.target_in_process ? 2 : 1;
  const std::uint64_t usable = limit.free() > kSpareFiles ? limit.free() - kSpareFiles : 0;
  if (!plan.open_loop) {
    const auto need = static_cast<std::uint64_t>(plan.phase.connections) * per_connection;
    if (need > usable)
      bad(plan.phase,
          fmt::format("{} connections need {} open files ({} per connection{}), but only {} fit "
                      "under the open-file limit {} (hard limit {}; {} open already, {} kept "
                      "spare): lower connections, or raise the limit (ulimit -n, systemd "
                      "LimitNOFILE)",
                      plan.phase.connections, need, per_connection,
                      per_connection == 2 ? ": the embedded target runs in this process" : "",
                      usable, limit.soft, limit.hard, limit.open, kSpareFiles));
    return;
  }
  const auto per_thread = usable / per_connection / static_cast<std::uint64_t>(plan.threads);
  if (per_thread == 0)
    bad(plan.phase, fmt::format("no connection fits under the open-file limit {} ({} open already)",
                                limit.soft, limit.open));
  if (per_thread < static_cast<std::uint64_t>(plan.opts.max_in_flight_per_thread))
    plan.opts.max_in_flight_per_thread = static_cast<int>(per_thread);
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
  plan.address = resolve_target(phase, ep.host, ep.port, opts.timeout);
  const auto drain = std::chrono::duration<double>(std::min(phase.drain_s, std::chrono::duration<double>(opts.timeout).count()));
  plan.drain = std::chrono::duration_cast<Clock::duration>(drain);
  fit_open_files(plan);
  plan.trust = ep.trust.string();
  plan.request_keep_alive = request(phase, ep, false);
  plan.request_close = request(phase, ep, true);
  return plan;
}

}  // namespace mtls::load
