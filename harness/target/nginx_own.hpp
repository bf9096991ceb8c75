// nginx from the user's own config ([target] config): read with nginx's syntax, rewritten
// for a private loopback run (userconf/), checked with `nginx -t` (messages name the user's
// file:line), launched with the loopback backend every upstream now points at.
#pragma once

#include "scenario/scenario.hpp"

namespace mtls::target {

// What the scenario must know of the config before fixtures are made and cases judged: the
// verify mode and CRL of the listener cases go to, and the server name they send (added to
// the fixture server certificate). Throws userconf::ConfigError (exit 2) for a config the
// harness cannot read or map. No-op without [target] config.
void adopt_own_config(scenario::Scenario& s);

}  // namespace mtls::target
