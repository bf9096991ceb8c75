#include "pki/preflight.hpp"

#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <ostream>
#include <stdexcept>

#include "common/files.hpp"
#include "pki/cert_info.hpp"
#include "pki/identity.hpp"
#include "pki/keys.hpp"
#include "pki/write.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;
using scenario::Fault;

// The files of one identity as a client presents them.
struct Presented {
  ossl::Cert leaf;
  std::vector<ossl::Cert> chain;  // what is sent after the leaf
  fs::path chain_file;            // where `chain` came from
  ossl::Key key;
};

class Check {
 public:
  Check(const IdentityFiles& id, std::time_t now, std::vector<std::string>& problems)
      : id_(id), now_(now), problems_(problems) {}

  Verified run(const Fixtures& f) {
    out_.identity = id_.name;
    auto p = read();
    if (!p) return out_;
    check_key(*p);
    check_chain(*p);
    check_fault(*p, f);
    return out_;
  }

 private:
  void problem(const std::string& what) {
    problems_.push_back("identity '" + id_.name + "' (fault " + scenario::to_string(id_.fault) +
                        "): " + what);
  }

  std::optional<Presented> read() {
    Presented p;
    try {
      auto certs = read_brought_certs(id_.name, "cert", id_.cert);
      p.leaf = std::move(certs.front());
      p.chain_file = id_.chain.empty() ? id_.cert : id_.chain;
      if (id_.chain.empty())
        for (std::size_t i = 1; i < certs.size(); ++i) p.chain.push_back(std::move(certs[i]));
      else
        p.chain = read_brought_certs(id_.name, "chain", id_.chain);
      p.key = read_brought_key(id_.name, id_.key, id_.key_password_env);
    } catch (const std::exception& e) {
      problems_.push_back(e.what());
      return std::nullopt;
    }
    return p;
  }

  void check_key(const Presented& p) {
    EVP_PKEY* pub = X509_get0_pubkey(p.leaf.get());
    const bool fits = pub && EVP_PKEY_eq(pub, p.key.get()) == 1;
    ERR_clear_error();
    out_.key_matches_cert = fits;
    const std::string cert_key = pub ? describe_key(pub) : "unreadable";
    const std::string file_key = describe_key(p.key.get());
    if (id_.fault == Fault::key_mismatch) {
      if (fits)
        problem("key " + id_.key.string() + " fits cert " + id_.cert.string() +
                ", but the fault says it must not; give another " + cert_key +
                " key, or change the fault");
      else if (pub && EVP_PKEY_get_base_id(pub) != EVP_PKEY_get_base_id(p.key.get()))
        problem("key " + id_.key.string() + " is " + file_key + ", cert " + id_.cert.string() +
                " holds " + cert_key + ": a key-mismatch key must be of the certificate's type "
                "(the client signs with it under the certificate's public key); give another " +
                cert_key + " key");
      return;
    }
    if (!fits)
      problem("key " + id_.key.string() + " (" + file_key + ") does not fit cert " +
              id_.cert.string() + " (" + cert_key +
              "): the client could not present the certificate; give the key it was issued for, "
              "or set fault = \"key-mismatch\" if that is the point");
  }

  void check_chain(const Presented& p) {
    out_.chain_certs = static_cast<int>(p.chain.size());
    out_.chain_ok = true;
    X509* child = p.leaf.get();
    for (std::size_t i = 0; i < p.chain.size(); ++i) {
      X509* parent = p.chain[i].get();
      const std::string who = i == 0 ? "the leaf" : "chain certificate " + std::to_string(i);
      const std::string at = "certificate " + std::to_string(i + 1) + " of " +
                             p.chain_file.string() + " (" +
                             rfc2253(X509_get_subject_name(parent)) + ")";
      std::string wrong;
      if (X509_NAME_cmp(X509_get_issuer_name(child), X509_get_subject_name(parent)) != 0)
        wrong = at + " is not the issuer of " + who + " (issuer " +
                rfc2253(X509_get_issuer_name(child)) + ")";
      else if (EVP_PKEY* k = X509_get0_pubkey(parent); !k || X509_verify(child, k) != 1)
        wrong = "the signature of " + who + " does not verify with the key of " + at;
      ERR_clear_error();
      if (!wrong.empty()) {
        out_.chain_ok = false;
        problem("the chain does not chain the leaf: " + wrong +
                "; give the intermediates that issued it, leaf's issuer first");
        return;
      }
      child = parent;
    }
  }

  // Validity against now: the one fact every fault depends on.
  int cmp_now(const ASN1_TIME* t) const {
    std::time_t now = now_;
    return X509_cmp_time(t, &now);  // < 0: t before now
  }

  void check_fault(const Presented& p, const Fixtures& f) {
    X509* leaf = p.leaf.get();
    const std::string not_before = iso8601(X509_get0_notBefore(leaf));
    const std::string not_after = iso8601(X509_get0_notAfter(leaf));
    const bool expired = cmp_now(X509_get0_notAfter(leaf)) < 0;
    const bool not_yet = cmp_now(X509_get0_notBefore(leaf)) > 0;
    const std::string cert = "cert " + id_.cert.string();
    switch (id_.fault) {
      case Fault::expired:
        if (!expired)
          return problem(cert + " is valid until " + not_after +
                         ": it is not expired; give an expired certificate, or change the fault");
        out_.fault_confirmed = "expired (notAfter " + not_after + ")";
        return;
      case Fault::not_yet_valid:
        if (!not_yet)
          return problem(cert + " has been valid since " + not_before +
                         ": it is not not-yet-valid; give one whose notBefore is in the future, "
                         "or change the fault");
        out_.fault_confirmed = "not-yet-valid (notBefore " + not_before + ")";
        return;
      default:
        break;
    }
    if (expired || not_yet)
      return problem(cert + (expired ? " expired on " + not_after : " is valid only from " + not_before) +
                     ": a gateway would refuse it for its dates, not for the fault under test; "
                     "give a certificate valid now");
    switch (id_.fault) {
      case Fault::revoked: return check_revoked(leaf, f);
      case Fault::self_signed: return check_self_signed(leaf);
      case Fault::wrong_eku: return check_eku(leaf);
      case Fault::weak_key: return check_weak(leaf);
      case Fault::key_mismatch:
        if (out_.key_matches_cert == false)
          out_.fault_confirmed = "key-mismatch (the key's public part is not the certificate's)";
        return;
      case Fault::none:
      case Fault::not_allowed:
        out_.fault_not_checked = "nothing to confirm before the probe: a valid certificate";
        return;
      default:
        out_.fault_not_checked = scenario::to_string(id_.fault) +
                                 " depends on what the gateway trusts; the probe shows it";
        return;
    }
  }

  void check_revoked(X509* leaf, const Fixtures& f) {
    const auto serial = describe_cert(leaf).serial;
    const X509_NAME* issuer = X509_get_issuer_name(leaf);
    std::vector<ossl::Crl> crls;
    try {
      crls = ossl::read_crls(f.crl_bundle);
    } catch (const std::exception& e) {
      return problem(std::string("cannot read the scenario's CRLs: ") + e.what());
    }
    for (auto& crl : crls) {
      X509_REVOKED* entry = nullptr;
      if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), issuer) == 0 &&
          X509_CRL_get0_by_serial(crl.get(), &entry, X509_get0_serialNumber(leaf)) == 1) {
        out_.fault_confirmed = "revoked (serial " + serial + " on the CRL of " +
                               rfc2253(X509_CRL_get_issuer(crl.get())) + ")";
        return;
      }
    }
    ERR_clear_error();
    problem("no CRL of the scenario (" + f.crl_bundle.string() + ") lists serial " + serial +
            " issued by " + rfc2253(issuer) +
            ", so a gateway given these CRLs cannot refuse it as revoked; the fixture CRLs list "
            "only generated identities: use a generated revoked identity (no cert/key), or change "
            "the fault");
  }

  void check_self_signed(X509* leaf) {
    const bool same_name = X509_NAME_cmp(X509_get_subject_name(leaf), X509_get_issuer_name(leaf)) == 0;
    EVP_PKEY* own = X509_get0_pubkey(leaf);
    const bool own_signature = own && X509_verify(leaf, own) == 1;
    ERR_clear_error();
    if (!same_name || !own_signature)
      return problem("cert " + id_.cert.string() + " is not self-signed (issuer " +
                     rfc2253(X509_get_issuer_name(leaf)) +
                     (same_name ? ", its signature does not verify with its own key" : "") +
                     "); give a self-signed certificate, or change the fault");
    out_.fault_confirmed = "self-signed (issuer = subject, signed with its own key)";
  }

  void check_eku(X509* leaf) {
    const bool has_eku = (X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) != 0;
    const bool client_auth = (X509_get_extended_key_usage(leaf) & XKU_SSL_CLIENT) != 0;
    if (!has_eku)
      return problem("cert " + id_.cert.string() +
                     " has no extendedKeyUsage, so it is good for client authentication; give one "
                     "whose extendedKeyUsage lacks clientAuth, or change the fault");
    if (client_auth)
      return problem("cert " + id_.cert.string() +
                     " has clientAuth in its extendedKeyUsage; give one without it, or change the "
                     "fault");
    out_.fault_confirmed = "wrong-eku (extendedKeyUsage without clientAuth)";
  }

  void check_weak(X509* leaf) {
    EVP_PKEY* pub = X509_get0_pubkey(leaf);
    // Security level 2 (OpenSSL's default) needs 112 bits: RSA 2048, EC P-224.
    if (!pub || EVP_PKEY_get_security_bits(pub) >= 112)
      return problem("cert " + id_.cert.string() + " has a " +
                     (pub ? describe_key(pub) : std::string("unreadable")) +
                     " key, which is not weak (112 security bits or more); give an RSA-1024 "
                     "certificate, or change the fault");
    out_.fault_confirmed = "weak-key (" + describe_key(pub) + ")";
  }

  const IdentityFiles& id_;
  std::time_t now_;
  std::vector<std::string>& problems_;
  Verified out_;
};

nlohmann::ordered_json to_json(const Verified& v) {
  auto opt = [](const std::optional<bool>& b) -> nlohmann::ordered_json {
    if (!b) return nullptr;
    return *b;
  };
  nlohmann::ordered_json j = {{"key_matches_cert", opt(v.key_matches_cert)},
                              {"chain_ok", opt(v.chain_ok)},
                              {"chain_certs", v.chain_certs}};
  j["fault_confirmed"] = v.fault_confirmed.empty() ? nlohmann::ordered_json(nullptr)
                                                   : nlohmann::ordered_json(v.fault_confirmed);
  if (!v.fault_not_checked.empty()) j["fault_not_checked"] = v.fault_not_checked;
  return j;
}

// manifest.json says what was found, next to what each identity was declared to be.
void record(const Fixtures& f, const PreflightResult& r) {
  auto manifest = nlohmann::ordered_json::parse(common::read_file(f.manifest, common::kNoFileLimit));
  for (auto& entry : manifest.at("identities"))
    for (const auto& v : r.identities)
      if (entry.value("identity", "") == v.identity) entry["verified"] = to_json(v);
  write_fixture(f.manifest,
                manifest.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
}

}  // namespace

PreflightResult preflight(const Fixtures& f, std::time_t now) {
  PreflightResult r;
  for (const auto& id : f.identities) r.identities.push_back(Check(id, now, r.problems).run(f));
  return r;
}

bool preflight_or_report(const Fixtures& f, std::ostream& err) {
  const auto r = preflight(f, std::time(nullptr));
  try {
    record(f, r);
  } catch (const std::exception& e) {
    err << "mtls-harness: cannot record the preflight in " << f.manifest.string() << ": "
        << e.what() << "\n";
  }
  for (const auto& p : r.problems) err << "mtls-harness: preflight: " << p << "\n";
  if (!r.ok())
    err << "mtls-harness: " << r.problems.size()
        << " identity problem(s) found before the first probe; nothing was probed\n";
  return r.ok();
}

}  // namespace mtls::pki
