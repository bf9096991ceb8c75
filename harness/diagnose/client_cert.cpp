#include "diagnose/client_cert.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <stdexcept>

#include "pki/cert_info.hpp"
#include "pki/ossl.hpp"

namespace mtls::diagnose {
namespace {

namespace ossl = pki::ossl;

SentCert sent(X509* x) {
  SentCert s;
  s.subject = pki::rfc2253(X509_get_subject_name(x));
  s.issuer = pki::rfc2253(X509_get_issuer_name(x));
  s.self_issued = s.subject == s.issuer;
  return s;
}

void read_validity(X509* x, ClientCertFacts& f) {
  std::time_t now = std::time(nullptr);  // X509_cmp_time takes a non-const pointer
  int days = 0, secs = 0;
  if (X509_cmp_time(X509_get0_notAfter(x), &now) < 0) {
    f.validity = Validity::expired;
    ASN1_TIME_diff(&days, &secs, X509_get0_notAfter(x), nullptr);  // notAfter -> now
  } else if (X509_cmp_time(X509_get0_notBefore(x), &now) > 0) {
    f.validity = Validity::not_yet_valid;
    ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notBefore(x));  // now -> notBefore
  } else {
    ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(x));
  }
  f.days = days;
}

void read_eku(X509* x, ClientCertFacts& f) {
  const uint32_t flags = X509_get_extension_flags(x);
  f.has_eku = (flags & EXFLAG_XKUSAGE) != 0;
  if (!f.has_eku) return;
  const uint32_t xku = X509_get_extended_key_usage(x);
  f.eku_client_auth = (xku & XKU_SSL_CLIENT) != 0;
  auto* ext = static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(x, NID_ext_key_usage, nullptr, nullptr));
  for (int i = 0; ext && i < sk_ASN1_OBJECT_num(ext); ++i) {
    const int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(ext, i));
    f.eku.emplace_back(nid == NID_undef ? "unknown OID" : OBJ_nid2sn(nid));
  }
  if (ext) EXTENDED_KEY_USAGE_free(ext);
}

std::string key_type(EVP_PKEY* k) {
  switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA: return fmt::format("RSA {}", EVP_PKEY_get_bits(k));
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      EVP_PKEY_get_group_name(k, group, sizeof group, &len);
      return fmt::format("EC {}", group);
    }
    case EVP_PKEY_ED25519: return "ED25519";
    default: return fmt::format("{} {}", OBJ_nid2sn(EVP_PKEY_get_base_id(k)), EVP_PKEY_get_bits(k));
  }
}

// Errors say which option named the file.
template <typename Read>
auto as_option(const char* option, Read read) {
  try {
    return read();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(option) + " " + e.what());
  }
}

}  // namespace

std::string key_password_hint() {
  return "pass --key-password-env VAR and export VAR with the key's passphrase (diagnose never "
         "prompts)";
}

ClientCertFacts inspect_client(const std::filesystem::path& cert, const std::filesystem::path& key,
                               const std::filesystem::path& chain,
                               const std::string& key_password_env) {
  auto certs = as_option("--cert", [&] { return ossl::read_certs(cert); });
  if (!chain.empty())
    for (auto& c : as_option("--chain", [&] { return ossl::read_certs(chain); }))
      certs.push_back(std::move(c));
  X509* leaf = certs.front().get();
  const auto info = pki::describe_cert(leaf);

  ClientCertFacts f;
  f.subject = info.subject;
  f.issuer = info.issuer;
  f.serial = info.serial;
  f.not_before = info.not_before;
  f.not_after = info.not_after;
  read_validity(leaf, f);
  read_eku(leaf, f);
  for (std::size_t i = 1; i < certs.size(); ++i) f.chain.push_back(sent(certs[i].get()));

  EVP_PKEY* pub = X509_get0_pubkey(leaf);
  f.key_type = pub ? key_type(pub) : "unknown";
  f.weak_key = pub && EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA && EVP_PKEY_get_bits(pub) < 2048;
  auto k = as_option("--key", [&] { return ossl::read_key(key, {key_password_env, key_password_hint()}); });
  if (X509_check_private_key(leaf, k.get()) != 1) {
    f.key_matches = false;
    f.key_mismatch_detail = fmt::format("{} holds a {} key whose public part is not the "
                                        "certificate's ({})",
                                        key.string(), key_type(k.get()), f.key_type);
  }
  ERR_clear_error();
  return f;
}

ChainMatch match_advertised(const ClientCertFacts& f, const std::vector<std::string>& ca_names) {
  ChainMatch m;
  auto advertised = [&](const std::string& dn) {
    return std::find(ca_names.begin(), ca_names.end(), dn) != ca_names.end();
  };
  // A client that sends the advertised CA itself also reaches it.
  for (const auto& c : f.chain)
    if (advertised(c.subject)) {
      m.matched = true;
      m.ca_name = c.subject;
    }
  std::string issuer = f.issuer;
  for (std::size_t hops = 0; hops <= f.chain.size(); ++hops) {
    m.path.push_back(issuer);
    if (advertised(issuer)) {
      m.matched = true;
      m.ca_name = issuer;
      return m;
    }
    auto next = std::find_if(f.chain.begin(), f.chain.end(),
                             [&](const SentCert& c) { return c.subject == issuer && !c.self_issued; });
    if (next == f.chain.end()) break;
    issuer = next->issuer;
  }
  if (!m.matched) m.stuck_at = issuer;
  return m;
}

}  // namespace mtls::diagnose
