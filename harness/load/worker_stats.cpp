#include "load/worker_stats.hpp"

namespace mtls::load {
void WorkerStats::merge_into(PhaseResult& r) const {
  r.counts += counts;
  r.resumption += resumption;
  r.errors.merge(errors);
  for (std::size_t i = 0; i < identities.size() && i < r.identities.size(); ++i)
    r.identities[i] += identities[i];
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

void WorkerStats::merge_into(Drain& d) const {
  d.counts += counts;
  d.errors.merge(errors);
}

}  // namespace mtls::load
