#include "pki/certs.hpp"

#include "common/openssl_error.hpp"
#include "pki/keys.hpp"

namespace mtls::pki {
namespace {

void fail(const CertRequest& req, const std::string& what) {
  common::throw_openssl("certificate '" + req.common_name + "': " + what);
}

ossl::Name make_name(const CertRequest& req) {
  ossl::Name name(X509_NAME_new());
  auto add = [&](const char* field, const std::string& value) {
    if (value.empty()) return;
    if (!X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                                    -1, 0))
      fail(req, std::string("cannot set ") + field + "=" + value);
  };
  // Most significant first, so RFC 2253 (which reverses) prints CN=...,OU=...,O=...
  add("O", req.organization);
  add("OU", req.organizational_unit);
  add("CN", req.common_name);
  return name;
}

void set_serial(const CertRequest& req, X509* cert) {
  ossl::Bn bn(BN_new());
  // 127 bits with the top one set: always 16 DER bytes and positive (RFC 5280 4.1.2.2).
  if (!bn || !BN_rand(bn.get(), 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
      !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)))
    fail(req, "cannot set a random serial");
}

void add_conf_ext(const CertRequest& req, X509* cert, X509V3_CTX* ctx, int nid,
                  const char* value) {
  ossl::Ext ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || !X509_add_ext(cert, ext.get(), -1))
    fail(req, std::string("cannot add ") + OBJ_nid2sn(nid) + " " + value);
}

void add_san(const CertRequest& req, X509* cert) {
  ossl::GeneralNames names(sk_GENERAL_NAME_new_null());
  auto add = [&](int type, const std::vector<std::string>& values) {
    for (const auto& v : values) {
      GENERAL_NAME* gn = a2i_GENERAL_NAME(nullptr, nullptr, nullptr, type, v.c_str(), 0);
      if (!gn) fail(req, "invalid subjectAltName entry '" + v + "'");
      sk_GENERAL_NAME_push(names.get(), gn);
    }
  };
  add(GEN_DNS, req.san_dns);
  add(GEN_URI, req.san_uri);
  add(GEN_IPADD, req.san_ip);
  if (sk_GENERAL_NAME_num(names.get()) == 0) return;
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    fail(req, "cannot add subjectAltName");
}

void add_extensions(const CertRequest& req, X509* cert, X509* issuer, EVP_PKEY* subject_key) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  if (req.profile == Profile::ca) {
    add_conf_ext(req, cert, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    add_conf_ext(req, cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_conf_ext(req, cert, &ctx, NID_basic_constraints, "critical,CA:FALSE");
    // RSA key exchange (TLS 1.2 RSA kx) needs keyEncipherment; other keys only sign.
    add_conf_ext(req, cert, &ctx, NID_key_usage,
                 EVP_PKEY_is_a(subject_key, "RSA") ? "critical,digitalSignature,keyEncipherment"
                                                   : "critical,digitalSignature");
    add_conf_ext(req, cert, &ctx, NID_ext_key_usage,
                 req.eku_server_auth ? "serverAuth" : "clientAuth");
    add_san(req, cert);
  }
  // SKI before AKI: a self-signed certificate's AKI is read from its own SKI.
  add_conf_ext(req, cert, &ctx, NID_subject_key_identifier, "hash");
  add_conf_ext(req, cert, &ctx, NID_authority_key_identifier, "keyid:always");
}

}  // namespace

std::time_t days_from_now(int days, std::time_t now) {
  return now + static_cast<std::time_t>(days) * 86400;
}

ossl::Cert issue(const CertRequest& req, EVP_PKEY* subject_key, const Signer& signer) {
  ossl::Cert cert(X509_new());
  if (!cert) fail(req, "cannot allocate");
  auto name = make_name(req);
  X509_NAME* issuer_name = signer.cert ? X509_get_subject_name(signer.cert) : name.get();
  EVP_PKEY* signing_key = signer.cert ? signer.key : subject_key;
  if (!X509_set_version(cert.get(), X509_VERSION_3) ||
      !X509_set_subject_name(cert.get(), name.get()) ||
      !X509_set_issuer_name(cert.get(), issuer_name) ||
      !X509_set_pubkey(cert.get(), subject_key) ||
      !ASN1_TIME_set(X509_getm_notBefore(cert.get()), req.not_before) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), req.not_after))
    fail(req, "cannot set subject, issuer, key or validity");
  set_serial(req, cert.get());
  add_extensions(req, cert.get(), signer.cert, subject_key);
  if (X509_sign(cert.get(), signing_key, signing_digest(signing_key)) <= 0)
    fail(req, "cannot sign");
  return cert;
}

}  // namespace mtls::pki
