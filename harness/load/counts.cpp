// Sums of the phase counters: worker threads into a phase result, shard reports into one.
#include "load/engine.hpp"

namespace mtls::load {

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

}  // namespace mtls::load
