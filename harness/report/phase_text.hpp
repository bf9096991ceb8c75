// A load phase for a terminal: counts, rates, CPU, resumption, errors and a percentile table.
#pragma once

#include <ostream>

#include "report/model/phase.hpp"

namespace mtls::report {

void print_summary(std::ostream& out, const PhaseResult& r);

}  // namespace mtls::report
