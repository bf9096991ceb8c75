#include "load/worker_stats.hpp"

namespace mtls::load {
namespace {

void add(Counts& a, const Counts& b) {
  a.connections += b.connections;
  a.connections_ok += b.connections_ok;
  a.connections_failed += b.connections_failed;
  a.connections_aborted += b.connections_aborted;
  a.warmup_connections += b.warmup_connections;
  a.arrivals_missed += b.arrivals_missed;
  a.handshakes_full += b.handshakes_full;
  a.handshakes_resumed += b.handshakes_resumed;
  a.handshakes_failed += b.handshakes_failed;
  a.requests += b.requests;
  a.responses += b.responses;
  a.responses_2xx += b.responses_2xx;
}

void add(ResumptionStats& a, const ResumptionStats& b) {
  a.tickets_received += b.tickets_received;
  a.sessions_saved += b.sessions_saved;
  a.offered += b.offered;
  a.accepted += b.accepted;
  a.no_session += b.no_session;
  a.server_reported += b.server_reported;
  a.disagreements += b.disagreements;
  a.identity_kept += b.identity_kept;
  a.identity_lost += b.identity_lost;
  a.identity_changed += b.identity_changed;
}

}  // namespace

void WorkerStats::merge_into(PhaseResult& r) const {
  add(r.counts, counts);
  add(r.resumption, resumption);
  r.errors.merge(errors);
  r.connect.merge(connect);
  r.handshake_full.merge(handshake_full);
  r.handshake_resumed.merge(handshake_resumed);
  r.ttfb.merge(ttfb);
  r.total.merge(total);
  r.total_uncorrected.merge(total_uncorrected);
  r.series.merge(series);
  r.events.merge(events);
  r.cpu.client_us += cpu_us;
}

}  // namespace mtls::load
