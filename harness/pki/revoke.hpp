// Revoking an identity after the fact: the CRL bundle an operator would push to a running
// gateway once a client certificate is compromised. Nothing on disk changes here; the
// caller decides where the new bundle goes (a running target's own copy, never the fixtures).
#pragma once

#include <string>

#include "pki/fixtures.hpp"

namespace mtls::pki {

// f.crl_bundle with `id`'s serial added to the CRL of the CA that issued it (re-signed with
// that CA's key, CRL number one higher); every other CRL unchanged. Throws
// std::runtime_error naming the file when the identity's issuer has no CRL or no CA key in
// the fixture set (brought identities, CRLs off).
std::string crl_bundle_revoking(const Fixtures& f, const IdentityFiles& id);

}  // namespace mtls::pki
