// Caddy from the user's own Caddyfile ([target] config): read with Caddy's lexer, rewritten
// for a private loopback run before `caddy adapt` sees it (userconf/caddy_rewrite), checked
// with `caddy validate` (messages name the user's file:line), run in the foreground with its
// state in the run's directory and the loopback backend every reverse_proxy now points at.
#pragma once

#include "target/own_config.hpp"

namespace mtls::target {

own::Adopted adopt_caddy_config(const scenario::Scenario& s);

}  // namespace mtls::target
