// The embedded target's SSL_CTX: a strict mTLS server configured from [target] and the
// fixture PKI. Verification failures abort the handshake with the alert OpenSSL's server
// side picks, which is what HAProxy/Apache-style gateways put on the wire.
#pragma once

#include <openssl/ssl.h>
#include <string>
#include <string_view>

#include "pki/fixtures.hpp"
#include "scenario/scenario.hpp"

namespace mtls::target::embedded {

// Configures `ctx` (made from TLS_server_method). Throws TargetError naming the file and
// the OpenSSL error queue when a certificate, key, trust bundle or CRL cannot be loaded.
// verify = optional_no_ca lets unknown-issuer failures through the handshake; the first of
// them stays SSL_get_verify_result's answer, also on resumed sessions.
void configure_server_context(SSL_CTX* ctx, const scenario::Target& t, const pki::Fixtures& f);

// Makes `pem` (one or more PEM CRLs) the CRLs ctx's client verification consults, replacing
// those installed before; safe while other threads handshake. Throws TargetError naming
// `origin` for a broken PEM or one without a CRL.
void install_crls(SSL_CTX* ctx, std::string_view pem, const std::string& origin);

}  // namespace mtls::target::embedded
