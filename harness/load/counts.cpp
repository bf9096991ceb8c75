// Sums of the phase counters: worker threads into a phase result, shard reports into one.
#include "load/engine.hpp"

namespace mtls::load {

Counts& Counts::operator+=(const Counts& b) {
  connections += b.connections;
  connections_ok += b.connections_ok;
  connections_failed += b.connections_failed;
  connections_aborted += b.connections_aborted;
  warmup_connections += b.warmup_connections;
  arrivals_missed += b.arrivals_missed;
  handshakes_full += b.handshakes_full;
  handshakes_resumed += b.handshakes_resumed;
  handshakes_failed += b.handshakes_failed;
  requests += b.requests;
  responses += b.responses;
  responses_2xx += b.responses_2xx;
  client_sends += b.client_sends;
  return *this;
}

ResumptionStats& ResumptionStats::operator+=(const ResumptionStats& b) {
  tickets_received += b.tickets_received;
  sessions_saved += b.sessions_saved;
  offered += b.offered;
  accepted += b.accepted;
  no_session += b.no_session;
  server_reported += b.server_reported;
  disagreements += b.disagreements;
  identity_kept += b.identity_kept;
  identity_lost += b.identity_lost;
  identity_changed += b.identity_changed;
  return *this;
}

}  // namespace mtls::load
