// What the command line narrows or reshapes in a loaded scenario (`run --target --tls --case
// --phase --duration --connections --rate`): value in, value out, a usage error as text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::scenario {

struct Overrides {
  // A target kind (embedded, nginx, ...) or the https:// URL of a running gateway.
  std::string target;
  std::vector<std::string> tls;     // only these TLS versions ("1.2", "1.3")
  std::vector<std::string> cases;   // only cases whose name matches one of these globs
  std::vector<std::string> phases;  // only load phases whose name matches one of these globs
  std::optional<double> duration_s; // every selected phase
  std::optional<int> connections;   // closed loop with this many connections
  std::optional<double> rate;       // open loop at this many new connections per second
};

// Applies `o` to `s`; returns what is wrong with the command line (naming the option and
// what to write instead), nullopt when it applied.
std::optional<std::string> apply(const Overrides& o, Scenario& s);

}  // namespace mtls::scenario
