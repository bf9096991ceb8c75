// Sums of the phase counters (worker threads into a phase result, shard reports into one) and
// the figures derived from them.
#include "report/model/phase.hpp"

namespace mtls::report {

#define MTLS_ADD_COUNT(name, what) name += b.name;

Counts& Counts::operator+=(const Counts& b) {
  MTLS_LOAD_COUNTS(MTLS_ADD_COUNT)
  return *this;
}

ResumptionStats& ResumptionStats::operator+=(const ResumptionStats& b) {
  MTLS_RESUMPTION_COUNTS(MTLS_ADD_COUNT)
  return *this;
}

IdentityOutcome& IdentityOutcome::operator+=(const IdentityOutcome& b) {
  MTLS_IDENTITY_COUNTS(MTLS_ADD_COUNT)
  return *this;
}

#undef MTLS_ADD_COUNT

double PhaseResult::handshakes_per_s() const {
  return measured_s > 0 ? static_cast<double>(counts.handshakes_ok()) / measured_s : 0;
}

double PhaseResult::error_rate() const {
  const auto ended = counts.connections_ok + counts.connections_failed;
  return ended ? static_cast<double>(counts.unexpected_errors) / static_cast<double>(ended) : 0;
}

bool PhaseResult::gates_pass() const {
  for (const auto& g : gates)
    if (!g.pass) return false;
  return true;
}

std::string ClientRecord::describe() const {
  if (stock_openssl()) return "stock OpenSSL";
  std::string on;
  for (const auto& [active, name] : {std::pair{server_verification_cache, "server verification"},
                                     std::pair{peer_certificate_cache, "peer certificates"},
                                     std::pair{fetch_cache, "fetched methods"}})
    if (active) on += (on.empty() ? "" : ", ") + std::string(name);
  return "OpenSSL with the engine's caches for " + on + " (--stock-openssl: without)";
}

}  // namespace mtls::report
