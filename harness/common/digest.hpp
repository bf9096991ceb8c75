// SHA-256 as lower-case hex: scenario hashes in reports, fixture and CA content hashes.
#pragma once

#include <string>
#include <string_view>

namespace mtls::common {

std::string sha256_hex(std::string_view bytes);

}  // namespace mtls::common
