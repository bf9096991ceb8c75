#include "pki/ca_keys.hpp"

#include "pki/layout.hpp"

namespace mtls::pki {

std::optional<ossl::Key> read_ca_key(const Fixtures& f, const std::string& ca_id) {
  for (const auto& k : f.outside_ca_keys)
    if (k.ca_id == ca_id)
      return ossl::read_key(k.key, {k.password_env, "set [pki] ca_key_password_env / "
                                                    "intermediate_key_password_env and export it"});
  const auto inside = layout::ca_key(f.dir, ca_id);
  std::error_code ec;
  if (!std::filesystem::exists(inside, ec)) return std::nullopt;
  return ossl::read_key(inside);
}

}  // namespace mtls::pki
