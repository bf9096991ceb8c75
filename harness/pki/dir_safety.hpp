// Fixture directories hold the CA keys and client keys a gateway trusts: if anyone but their
// owner can write there, a test result says nothing (a planted CA would be "accepted").
#pragma once

#include <filesystem>

namespace mtls::pki {

// Throws std::runtime_error naming the first directory at or below `dir` that is group- or
// world-writable, its mode, and the fix (chmod go-w). Nothing to check if `dir` is absent.
void refuse_shared_writable(const std::filesystem::path& dir);

// Generated fixtures replace fixtures/<scenario>/ whole, so it must be absent, empty, or a
// set the harness made (it holds fixtures.state.json). Anything else, such as a shipped
// gateway template folder (fixtures/nginx/, tracked by git) for a scenario named `nginx`,
// is refused: throws std::runtime_error naming the directory and what to do instead.
void refuse_foreign(const std::filesystem::path& dir);

}  // namespace mtls::pki
