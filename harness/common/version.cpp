#include "common/version.hpp"

namespace mtls::common {

std::string harness_version() {
  std::string v = MTLS_HARNESS_VERSION;
  if (const auto rev = git_revision(); !rev.empty()) v += "+git." + std::string(rev);
  return v;
}

}  // namespace mtls::common
