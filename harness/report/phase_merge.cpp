#include "report/phase_merge.hpp"
#include "report/model/gates.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace mtls::report {
namespace {

bool ran(const PhaseResult& r) { return !r.shard || r.shard->runs; }

std::string joined(const std::set<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace

PhaseResult merge_shards(const std::vector<PhaseResult>& shards) {
  if (shards.empty()) throw std::invalid_argument("merge: no shard results");
  const auto& first = shards.front();
  PhaseResult m;
  m.name = first.name;
  m.mode = first.mode;
  m.phase = first.phase;
  m.client = first.client;

  // The merged window runs from the first shard's measured start to the last one's end.
  double from = 0, to = 0;
  bool any = false;
  for (const auto& s : shards) {
    if (s.name != first.name || s.mode != first.mode)
      throw std::invalid_argument("merge: load phase '" + s.name + "' (" + s.mode + ") where '" +
                                  first.name + "' (" + first.mode + ") was expected");
    if (!ran(s)) continue;
    if (!any || s.measured_from_unix_s < from) from = s.measured_from_unix_s;
    to = any ? std::max(to, s.measured_from_unix_s + s.measured_s) : s.measured_from_unix_s + s.measured_s;
    any = true;
  }
  m.measured_from_unix_s = from;
  m.measured_s = any ? to - from : 0;

  std::set<std::string> reasons, target_sources;
  bool target_known = any;
  double target_us = 0;
  for (const auto& s : shards) {
    if (!ran(s)) continue;
    m.threads += s.threads;
    m.partial = m.partial || s.partial;
    reasons.insert(s.stop_reason);
    m.counts += s.counts;
    m.resumption += s.resumption;
    m.errors.merge(s.errors);
    for (const auto& id : s.identities) {
      auto it = std::find_if(m.identities.begin(), m.identities.end(),
                             [&](const IdentityOutcome& o) { return o.name == id.name; });
      if (it == m.identities.end()) m.identities.push_back(id);
      else *it += id;
    }
    m.drain.counts += s.drain.counts;
    m.drain.errors.merge(s.drain.errors);
    m.drain.limit_s = std::max(m.drain.limit_s, s.drain.limit_s);
    m.drain.seconds = std::max(m.drain.seconds, s.drain.seconds);
    m.phase_s = std::max(m.phase_s, s.phase_s);
    m.connect.merge(s.connect);
    m.handshake_full.merge(s.handshake_full);
    m.handshake_resumed.merge(s.handshake_resumed);
    m.ttfb.merge(s.ttfb);
    m.total.merge(s.total);
    m.total_uncorrected.merge(s.total_uncorrected);
    const double offset_s = std::max(0.0, s.measured_from_unix_s - from);
    m.series.merge(s.series, static_cast<std::size_t>(std::llround(offset_s)));
    m.events.merge(s.events, offset_s);
    // Every shard asks the same target the same question: keep the answer that lets a revoked
    // client in if any shard saw one, else the first shard's.
    if (s.revoked_resume) {
      const bool gets_in = s.revoked_resume->outcome == "gets_in";
      if (!m.revoked_resume || (gets_in && m.revoked_resume->outcome != "gets_in"))
        m.revoked_resume = s.revoked_resume;
    }
    m.cpu.client_us += s.cpu.client_us;
    if (s.cpu.target_us) target_us += *s.cpu.target_us;
    else target_known = false;
    target_sources.insert(s.cpu.target_source);
    // Each shard holds its own connections at the same time, in its own process.
    m.peak_open_connections += s.peak_open_connections;
    m.rss_bytes_at_peak += s.rss_bytes_at_peak;
  }
  m.stop_reason = any ? joined(reasons) : "no shard share";
  m.cpu.target_source = target_sources.empty() ? "unknown" : joined(target_sources);
  if (target_known) m.cpu.target_us = target_us;
  // Per handshake attempt, as run_phase computes it.
  const auto attempts = m.counts.handshake_attempts();
  if (attempts > 0) {
    m.cpu.client_us_per_handshake = m.cpu.client_us / static_cast<double>(attempts);
    if (m.cpu.target_us) m.cpu.target_us_per_handshake = *m.cpu.target_us / static_cast<double>(attempts);
  }
  m.gates = evaluate_gates(m.phase.gates, m);
  return m;
}

}  // namespace mtls::report
