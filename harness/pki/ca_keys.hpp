// Where a fixture set's CA key is: in the set for the harness's own CAs, where the user keeps
// it for theirs ([pki] ca_key). One lookup, so the CRL re-signer and the OCSP responder agree.
#pragma once

#include <optional>
#include <string>

#include "pki/fixtures.hpp"
#include "pki/ossl.hpp"

namespace mtls::pki {

// The key of CA `ca_id` ("intermediate", "user-root", ...), or nullopt when the set has none
// for it (a user CA given without its key).
std::optional<ossl::Key> read_ca_key(const Fixtures& f, const std::string& ca_id);

}  // namespace mtls::pki
