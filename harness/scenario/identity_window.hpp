// An identity's validity window: defaults per fault, and the windows that cannot be.
#pragma once

#include <string>

#include "scenario/reader.hpp"

namespace mtls::scenario::detail {

// Fills id.not_before_days / not_after_days (id.fault must be set) and reports windows
// that are empty, contradict the fault, or outlive the CA.
void read_window(Reader& r, const toml::table& t, const std::string& path, const Pki& pki,
                 Identity& id);

}  // namespace mtls::scenario::detail
