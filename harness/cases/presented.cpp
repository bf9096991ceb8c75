#include "cases/presented.hpp"

#include <algorithm>

#include "pki/cert_info.hpp"
#include "pki/ossl.hpp"

namespace mtls::cases {

std::optional<PresentedIdentity> presented_identity(const pki::IdentityFiles& files) {
  PresentedIdentity p;
  auto add = [&p](std::string name) {
    if (std::find(p.chain_names.begin(), p.chain_names.end(), name) == p.chain_names.end())
      p.chain_names.push_back(std::move(name));
  };
  try {
    auto leaf = pki::ossl::read_cert(files.cert);
    p.issuer = pki::rfc2253(X509_get_issuer_name(leaf.get()));
    add(p.issuer);
    if (!files.chain.empty()) {
      // A gateway may name any CA of the chain it trusts, the intermediate or the root above it.
      for (const auto& c : pki::ossl::read_certs(files.chain)) {
        add(pki::rfc2253(X509_get_subject_name(c.get())));
        add(pki::rfc2253(X509_get_issuer_name(c.get())));
      }
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return p;
}

}  // namespace mtls::cases
