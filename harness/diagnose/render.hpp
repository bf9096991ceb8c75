// What `mtls-harness diagnose` prints: the client's certificate, each TLS version's exchange,
// the verdict, the most likely cause and the fix.
#pragma once

#include <ostream>

#include "diagnose/diagnose.hpp"

namespace mtls::diagnose {

void print_diagnosis(const Diagnosis& d, const Options& o, std::ostream& out);

}  // namespace mtls::diagnose
