#include "common/openssl_error.hpp"

#include <openssl/err.h>

namespace mtls::common {

std::string drain_openssl_errors() {
  std::string out;
  unsigned long code = 0;
  const char* file = nullptr;
  int line = 0;
  while ((code = ERR_get_error_all(&file, &line, nullptr, nullptr, nullptr)) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

void throw_openssl(const std::string& what) {
  throw std::runtime_error(what + ": " + drain_openssl_errors());
}

}  // namespace mtls::common
