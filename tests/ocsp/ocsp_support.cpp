#include "ocsp_support.hpp"

#include <stdexcept>
#include <vector>

#include <openssl/rand.h>

#include "pki/cert_info.hpp"
#include "pki/layout.hpp"
#include "support.hpp"

namespace mtls::ocsp_test {
namespace {

using scenario::Fault;
using scenario::OcspStatus;

std::time_t to_time(const ASN1_GENERALIZEDTIME* t) {
  std::tm tm{};
  if (!t || !ASN1_TIME_to_tm(t, &tm)) return 0;
  return timegm(&tm);
}

}  // namespace

const scenario::Scenario& status_scenario() {
  static const scenario::Scenario s = [] {
    scenario::Scenario s;
    s.name = "ocsp-statuses";
    s.target.kind = scenario::TargetKind::nginx;
    s.target.ocsp = scenario::OcspCheck::leaf;
    auto add = [&](const std::string& name, Fault fault, OcspStatus status) {
      auto id = pki::test::identity(name, fault);
      id.ocsp = status;
      s.identities.push_back(id);
    };
    add("good", Fault::none, OcspStatus::good);
    add("ocsp-revoked", Fault::none, OcspStatus::revoked);
    add("ocsp-unknown", Fault::none, OcspStatus::unknown);
    add("revoked", Fault::revoked, OcspStatus::revoked);
    add("self-signed", Fault::self_signed, OcspStatus::good);
    add("too-deep", Fault::too_deep, OcspStatus::good);
    return s;
  }();
  return s;
}

const pki::Fixtures& status_fixtures() {
  static pki::test::TempDir dir("ocsp");
  static const pki::Fixtures f = [] {
    pki::Options o;
    o.fixtures_root = dir.path();
    return pki::materialize(status_scenario(), o);
  }();
  return f;
}

std::filesystem::path ca_cert(const std::string& id) {
  return pki::layout::ca_cert(status_fixtures().dir, id);
}

std::string request_for(X509* cert, X509* issuer, bool nonce, pki::ossl::OcspRequest* keep) {
  pki::ossl::OcspRequest req(OCSP_REQUEST_new());
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
  if (!req || !id || !OCSP_request_add0_id(req.get(), id))
    throw std::runtime_error("cannot build an OCSP request");
  if (nonce && OCSP_request_add1_nonce(req.get(), nullptr, -1) != 1)
    throw std::runtime_error("cannot add a nonce");
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_REQUEST(req.get(), &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  if (keep) *keep = std::move(req);
  return out;
}

Parsed parse(const std::string& der, X509* cert, X509* issuer, OCSP_REQUEST* req) {
  Parsed p;
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  pki::ossl::OcspResponse resp(d2i_OCSP_RESPONSE(nullptr, &in, static_cast<long>(der.size())));
  if (!resp) return p;
  p.response_status = OCSP_response_status(resp.get());
  pki::ossl::OcspBasic basic(OCSP_response_get1_basic(resp.get()));
  if (!basic) return p;

  auto root = pki::ossl::read_cert(ca_cert("root"));
  pki::ossl::Store store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), root.get());
  // The signer's chain up to the root: the intermediate and any sub-CAs below it.
  std::vector<pki::ossl::Cert> cas;
  for (int i = 0;; ++i) {
    const auto path = ca_cert(i == 0 ? "intermediate" : "sub-ca-" + std::to_string(i));
    if (!std::filesystem::exists(path)) break;
    cas.push_back(pki::ossl::read_cert(path));
  }
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  if (issuer) sk_X509_push(untrusted, issuer);
  for (const auto& c : cas) sk_X509_push(untrusted, c.get());
  p.signature_ok = OCSP_basic_verify(basic.get(), untrusted, store.get(), 0) == 1;
  sk_X509_free(untrusted);
  if (req) p.nonce = OCSP_check_nonce(req, basic.get());

  X509* signer = nullptr;
  if (OCSP_resp_get0_signer(basic.get(), &signer, nullptr) == 1 && signer)
    p.signer_subject = pki::rfc2253(X509_get_subject_name(signer));

  pki::ossl::OcspCertId id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  ASN1_GENERALIZEDTIME *rev = nullptr, *this_upd = nullptr, *next_upd = nullptr;
  if (OCSP_resp_find_status(basic.get(), id.get(), &p.cert_status, &p.reason, &rev, &this_upd,
                            &next_upd) == 1) {
    p.revoked_at = to_time(rev);
    p.times_valid = OCSP_check_validity(this_upd, next_upd, 300, -1) == 1;
  }
  return p;
}

}  // namespace mtls::ocsp_test
