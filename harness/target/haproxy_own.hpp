// HAProxy from the user's own config ([target] config): read with HAProxy's line syntax,
// rewritten for a private loopback run (userconf/haproxy_rewrite), checked with `haproxy -c`
// (messages name the user's file:line), run in the foreground with the loopback backend every
// server now points at.
#pragma once

#include "target/own_config.hpp"

namespace mtls::target {

// The verify mode and CRL of the bind cases go to. Throws userconf::ConfigError for a config
// that cannot be read or mapped.
own::Adopted adopt_haproxy_config(const scenario::Scenario& s);

}  // namespace mtls::target
