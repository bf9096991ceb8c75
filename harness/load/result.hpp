// The load engine's product is the report model's phase result (report/model/phase.hpp);
// these are its names inside load/.
#pragma once

#include "report/model/phase.hpp"

namespace mtls::load {

using report::ClientRecord;
using report::Counts;
using report::CpuStats;
using report::Drain;
using report::GateVerdict;
using report::IdentityOutcome;
using report::PhaseResult;
using report::ResumptionStats;
using report::RevokedResumeCheck;
using report::ShardShare;

}  // namespace mtls::load
