#include "pki/verify.hpp"

#include <openssl/err.h>

#include "common/openssl_error.hpp"
#include "pki/cert_info.hpp"
#include "pki/ossl.hpp"
#include "pki/verify_errors.hpp"

namespace mtls::pki {
namespace {

using CertStack = std::unique_ptr<STACK_OF(X509), decltype([](STACK_OF(X509)* s) {
                                    sk_X509_pop_free(s, X509_free);
                                  })>;

void push_all(STACK_OF(X509)* stack, std::vector<ossl::Cert>& certs) {
  for (auto& c : certs)
    if (sk_X509_push(stack, c.get()) > 0) c.release();
}

ossl::Store trust_store(const Fixtures& f) {
  ossl::Store store(X509_STORE_new());
  if (!store) common::throw_openssl("cannot allocate an X509_STORE");
  for (auto& ca : ossl::read_certs(f.ca_bundle))
    if (!X509_STORE_add_cert(store.get(), ca.get()))
      common::throw_openssl("cannot add a trust anchor from " + f.ca_bundle.string());
  for (auto& crl : ossl::read_crls(f.crl_bundle))
    if (!X509_STORE_add_crl(store.get(), crl.get()))
      common::throw_openssl("cannot add a CRL from " + f.crl_bundle.string());
  return store;
}

}  // namespace

VerifyResult verify_client(const Fixtures& f, const std::filesystem::path& cert,
                           const std::filesystem::path& chain) {
  auto store = trust_store(f);
  auto leaf_and_more = ossl::read_certs(cert);
  ossl::Cert leaf = std::move(leaf_and_more.front());
  leaf_and_more.erase(leaf_and_more.begin());

  CertStack untrusted(sk_X509_new_null());
  push_all(untrusted.get(), leaf_and_more);
  if (!chain.empty()) {
    auto intermediates = ossl::read_certs(chain);
    push_all(untrusted.get(), intermediates);
  }

  ossl::StoreCtx ctx(X509_STORE_CTX_new());
  if (!ctx || !X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()))
    common::throw_openssl("cannot set up verification of " + cert.string());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  X509_VERIFY_PARAM_set_depth(param, f.verify_depth);
  X509_VERIFY_PARAM_set_auth_level(param, 2);
  if (!X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT))
    common::throw_openssl("cannot set purpose sslclient");

  // 0 is a verdict (the error says which); only < 0 means verification could not run.
  if (X509_verify_cert(ctx.get()) < 0)
    common::throw_openssl("X509_verify_cert could not run on " + cert.string());
  VerifyResult r;
  r.error = X509_STORE_CTX_get_error(ctx.get());
  r.depth = X509_STORE_CTX_get_error_depth(ctx.get());
  r.name = verify_error_name(r.error);
  r.text = verify_error_text(r.error);
  if (X509* at = X509_STORE_CTX_get_current_cert(ctx.get()); at && r.error != 0)
    r.subject = rfc2253(X509_get_subject_name(at));
  ERR_clear_error();
  return r;
}

}  // namespace mtls::pki
