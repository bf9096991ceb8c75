// Apache httpd from the user's own config ([target] config): read with httpd's syntax
// (Include globs spliced, relative paths against the config's directory standing for
// ServerRoot), rewritten for a private loopback run (userconf/apache_rewrite), checked with
// `apache2 -t` (messages name the user's file:line), run in the foreground with the loopback
// backend every ProxyPass now points at.
#pragma once

#include "target/own_config.hpp"

namespace mtls::target {

own::Adopted adopt_apache_config(const scenario::Scenario& s);

}  // namespace mtls::target
