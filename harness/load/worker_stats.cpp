#include "load/worker_stats.hpp"

namespace mtls::load {
void WorkerStats::merge_into(PhaseResult& r) const {
  r.counts += counts;
  r.resumption += resumption;
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
