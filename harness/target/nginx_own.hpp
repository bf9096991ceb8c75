// nginx from the user's own config ([target] config): read with nginx's syntax, rewritten
// for a private loopback run (userconf/), checked with `nginx -t` (messages name the user's
// file:line), launched with the loopback backend every upstream now points at.
#pragma once

#include "target/own_config.hpp"

namespace mtls::target {

// The verify mode, CRL and server name of the nginx server cases go to. Throws
// userconf::ConfigError for a config that cannot be read or mapped.
own::Adopted adopt_nginx_config(const scenario::Scenario& s);

}  // namespace mtls::target
