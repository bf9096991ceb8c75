// The CA names above an identity's certificate, read from its files: what the gateway's list
// of acceptable client CAs is compared with.
#pragma once

#include <optional>

#include "cases/verdict.hpp"
#include "pki/fixtures.hpp"

namespace mtls::cases {

// nullopt when the files cannot be read as certificates (preflight reports that first).
std::optional<PresentedIdentity> presented_identity(const pki::IdentityFiles& files);

}  // namespace mtls::cases
