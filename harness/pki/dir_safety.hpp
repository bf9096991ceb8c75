// Fixture directories hold the CA keys and client keys a gateway trusts: if anyone but their
// owner can write there, a test result says nothing (a planted CA would be "accepted").
#pragma once

#include <filesystem>

namespace mtls::pki {

// Throws std::runtime_error naming the first directory at or below `dir` that is group- or
// world-writable, its mode, and the fix (chmod go-w). Nothing to check if `dir` is absent.
void refuse_shared_writable(const std::filesystem::path& dir);

}  // namespace mtls::pki
