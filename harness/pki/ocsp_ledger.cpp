#include "pki/ocsp_ledger.hpp"

#include <algorithm>
#include <stdexcept>

#include "common/openssl_error.hpp"
#include "pki/ca_keys.hpp"
#include "pki/layout.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;

// A revoked identity was revoked a minute after it was issued: a fixed point in the past, so
// every response about it says the same.
constexpr std::time_t kRevokedAfterIssue = 60;
// thisUpdate/nextUpdate slack, like the CRLs': clocks a little off still accept the answer.
constexpr std::time_t kValidity = 3600;

std::string serial_hex(const ASN1_INTEGER* serial) {
  ossl::Bn bn(ASN1_INTEGER_to_BN(serial, nullptr));
  char* hex = bn ? BN_bn2hex(bn.get()) : nullptr;
  if (!hex) common::throw_openssl("OCSP: cannot read a serial number");
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

std::time_t not_before(X509* cert) {
  std::tm tm{};
  if (!ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm))
    common::throw_openssl("OCSP: cannot read a certificate's notBefore");
  return timegm(&tm);
}

// Every "<id>.crt.pem" under ca/.
std::vector<std::string> ca_ids(const fs::path& dir) {
  constexpr std::string_view suffix = ".crt.pem";
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(layout::ca_dir(dir), ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > suffix.size() && name.ends_with(suffix))
      ids.push_back(name.substr(0, name.size() - suffix.size()));
  }
  if (ec) throw std::runtime_error("OCSP: cannot list " + layout::ca_dir(dir).string() + ": " + ec.message());
  std::sort(ids.begin(), ids.end());
  return ids;
}

OcspReply response_error(int status) {
  return {make_ocsp_error(status), OCSP_response_status_str(status)};
}

}  // namespace

OcspLedger OcspLedger::load(const scenario::Scenario& s, const Fixtures& f) {
  OcspLedger ledger;
  for (const auto& id : ca_ids(f.dir)) {
    auto key = read_ca_key(f, id);
    if (!key) continue;  // a user CA given without its key cannot answer for its certificates
    ledger.issuers_.push_back(Issuer{id, ossl::read_cert(layout::ca_cert(f.dir, id)), std::move(*key), {}});
  }
  if (ledger.issuers_.empty())
    throw std::runtime_error("OCSP: no CA certificates under " + layout::ca_dir(f.dir).string() +
                             "; run `mtls-harness pki` first");
  for (const auto& ca : ledger.issuers_) ledger.record(ca.cert.get(), {});
  ledger.record(ossl::read_cert(f.server_cert).get(), {});
  for (const auto& files : f.identities) {
    const scenario::Identity* id = s.find_identity(files.name);
    if (!id || !id->generated()) continue;  // a brought certificate's CA is not ours
    auto cert = ossl::read_cert(files.cert);
    OcspAnswer answer;
    answer.status = id->ocsp;
    answer.revoked_at = not_before(cert.get()) + kRevokedAfterIssue;
    ledger.record(cert.get(), answer);
  }
  return ledger;
}

void OcspLedger::record(X509* cert, OcspAnswer answer) {
  for (auto& issuer : issuers_)
    if (X509_check_issued(issuer.cert.get(), cert) == X509_V_OK) {
      issuer.known[serial_hex(X509_get0_serialNumber(cert))] = answer;
      return;
    }
  // Self-signed identities have no fixture issuer: the responder cannot speak for them.
}

const OcspLedger::Issuer* OcspLedger::issuer_of(const OCSP_CERTID* id) const {
  ASN1_OBJECT* md_oid = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (!OCSP_id_get0_info(nullptr, &md_oid, nullptr, &serial, const_cast<OCSP_CERTID*>(id)))
    return nullptr;
  const EVP_MD* md = EVP_get_digestbyobj(md_oid);
  if (!md) return nullptr;
  for (const auto& issuer : issuers_) {
    ossl::OcspCertId mine(OCSP_cert_id_new(md, X509_get_subject_name(issuer.cert.get()),
                                           X509_get0_pubkey_bitstr(issuer.cert.get()), serial));
    if (mine && OCSP_id_issuer_cmp(id, mine.get()) == 0) return &issuer;
  }
  return nullptr;
}

OcspAnswer OcspLedger::status(const std::string& issuer_id, const std::string& serial) const {
  for (const auto& issuer : issuers_) {
    if (issuer.id != issuer_id) continue;
    auto it = issuer.known.find(serial);
    if (it != issuer.known.end()) return it->second;
  }
  OcspAnswer unknown;
  unknown.status = scenario::OcspStatus::unknown;
  return unknown;
}

std::vector<std::string> OcspLedger::issuer_ids() const {
  std::vector<std::string> out;
  for (const auto& i : issuers_) out.push_back(i.id);
  return out;
}

OcspReply OcspLedger::answer(std::string_view der_request, std::time_t now) const {
  const auto* p = reinterpret_cast<const unsigned char*>(der_request.data());
  ossl::OcspRequest req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der_request.size())));
  const int count = req ? OCSP_request_onereq_count(req.get()) : 0;
  if (count <= 0) return response_error(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);

  OcspResponseRequest out;
  const Issuer* signer = nullptr;
  std::string note;
  for (int i = 0; i < count; ++i) {
    const OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
    const Issuer* issuer = issuer_of(id);
    // One signature per response: certificates of another CA need a request of their own.
    if (!issuer || (signer && issuer != signer))
      return response_error(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
    signer = issuer;
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, const_cast<OCSP_CERTID*>(id));
    const std::string hex = serial_hex(serial);
    out.answers.push_back({id, status(issuer->id, hex)});
    note += (note.empty() ? "" : ", ") + issuer->id + " " + hex + ": " +
            scenario::to_string(out.answers.back().answer.status);
  }
  out.signer = {signer->cert.get(), signer->key.get()};
  out.request = req.get();
  out.this_update = now - kValidity;
  out.next_update = now + kValidity;
  return {make_ocsp_response(out), note};
}

}  // namespace mtls::pki
