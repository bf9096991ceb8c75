// What the fixture OCSP responder knows: every CA of a scenario's fixture PKI with its key,
// and the status of each certificate they issued (CAs and the server: good; identities: their
// `ocsp` status). Turns a DER OCSPRequest into a signed DER OCSPResponse; no I/O after load.
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pki/fixtures.hpp"
#include "pki/ocsp.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {

struct OcspReply {
  std::string der;   // the OCSPResponse
  std::string note;  // for logs: "intermediate 1F3A: revoked", "unauthorized", ...
};

class OcspLedger {
 public:
  // Reads fixtures/<scenario>/ca/ (every CA certificate and key), the server certificate and
  // the generated identities' certificates. Throws std::runtime_error naming the file.
  static OcspLedger load(const scenario::Scenario& s, const Fixtures& f);

  // The OCSPResponse for a DER OCSPRequest: malformedRequest when it does not parse or asks
  // about nothing; unauthorized when a certificate's issuer is not a fixture CA (or one
  // request mixes issuers); otherwise good/revoked/unknown per certificate, signed by the
  // issuer, valid from an hour before `now` to an hour after.
  OcspReply answer(std::string_view der_request, std::time_t now) const;

  // The status a certificate of this issuer and serial (uppercase hex) is given.
  OcspAnswer status(const std::string& issuer_id, const std::string& serial) const;

  std::vector<std::string> issuer_ids() const;

 private:
  struct Issuer {
    std::string id;  // "root", "intermediate", "sub-ca-1", "rogue-root"
    ossl::Cert cert;
    ossl::Key key;
    std::map<std::string, OcspAnswer> known;  // serial (uppercase hex) -> answer
  };
  const Issuer* issuer_of(const OCSP_CERTID* id) const;
  void record(X509* cert, OcspAnswer answer);

  std::vector<Issuer> issuers_;
};

}  // namespace mtls::pki
