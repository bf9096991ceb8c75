// The OpenSSL error queue as text, so every failure says what OpenSSL said.
#pragma once

#include <stdexcept>
#include <string>

namespace mtls::common {

// Drains the calling thread's OpenSSL error queue: "error:...:reason; error:...".
std::string drain_openssl_errors();

// runtime_error("<what>: <openssl errors>")
[[noreturn]] void throw_openssl(const std::string& what);

}  // namespace mtls::common
