#include "pki/revoke.hpp"

#include <ctime>
#include <stdexcept>

#include "pki/ca_keys.hpp"
#include "pki/crl.hpp"
#include "pki/layout.hpp"
#include "pki/ossl.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;

long crl_number(X509_CRL* crl) {
  ossl::Integer n(static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr)));
  return n ? ASN1_INTEGER_get(n.get()) : 0;
}

// The CA certificate of the fixture set whose subject is `issuer`, and its key.
std::pair<ossl::Cert, ossl::Key> find_ca(const Fixtures& f, const X509_NAME* issuer) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(layout::ca_dir(f.dir), ec)) {
    const std::string file = e.path().filename().string();
    const std::string suffix = ".crt.pem";
    if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    auto cert = ossl::read_cert(e.path());
    if (X509_NAME_cmp(X509_get_subject_name(cert.get()), issuer) != 0) continue;
    auto key = read_ca_key(f, file.substr(0, file.size() - suffix.size()));
    if (!key) continue;
    return {std::move(cert), std::move(*key)};
  }
  return {ossl::Cert(), ossl::Key()};
}

}  // namespace

std::string crl_bundle_revoking(const Fixtures& f, const IdentityFiles& id) {
  const auto leaf = ossl::read_cert(id.cert);
  const X509_NAME* issuer = X509_get_issuer_name(leaf.get());
  auto crls = ossl::read_crls(f.crl_bundle);
  bool revoked = false;
  std::string bundle;
  for (auto& crl : crls) {
    if (revoked || X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), issuer) != 0) {
      bundle += ossl::to_pem(crl.get());
      continue;
    }
    auto [ca, key] = find_ca(f, issuer);
    if (!ca)
      throw std::runtime_error("cannot revoke '" + id.name + "': no CA key for its issuer in " +
                               layout::ca_dir(f.dir).string() + " or [pki] ca_key");
    CrlRequest req;
    req.ca = ca.get();
    req.ca_key = key.get();
    STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i)
      req.revoked_serials.push_back(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(entries, i)));
    req.revoked_serials.push_back(X509_get0_serialNumber(leaf.get()));
    const std::time_t now = std::time(nullptr);
    req.this_update = now - 60;
    req.next_update = now + 7 * 24 * 3600;
    req.number = crl_number(crl.get()) + 1;
    bundle += ossl::to_pem(make_crl(req).get());
    revoked = true;
  }
  if (!revoked)
    throw std::runtime_error("cannot revoke '" + id.name + "': " + f.crl_bundle.string() +
                             " has no CRL of its issuer (is [target].crl off, or the identity brought?)");
  return bundle;
}

}  // namespace mtls::pki
