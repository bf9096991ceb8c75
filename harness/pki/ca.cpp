#include "pki/ca.hpp"

#include <nlohmann/json.hpp>
#include <openssl/err.h>

#include "common/digest.hpp"
#include "common/files.hpp"
#include "common/openssl_error.hpp"
#include "common/signals.hpp"
#include "pki/certs.hpp"
#include "pki/keys.hpp"
#include "pki/layout.hpp"
#include "scenario/scenario.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;

// Bump when the generator changes what a CA looks like, so old CAs are not reused.
constexpr int kCaFormat = 1;

std::string ca_common_name(const scenario::Pki& pki, const std::string& id) {
  if (id == "root") return pki.organization + " Root CA";
  if (id == "intermediate") return pki.organization + " Intermediate CA";
  if (id == "rogue-root") return pki.organization + " Rogue Root CA";
  return pki.organization + " Sub CA " + id.substr(id.rfind('-') + 1);  // sub-ca-<n>
}

void write_ca(const fs::path& dir, const Ca& ca) {
  common::write_file_atomic(layout::ca_cert(dir, ca.id), ossl::to_pem(ca.cert.get()));
  common::write_secret_atomic(layout::ca_key(dir, ca.id), ossl::to_pem(ca.key.get()));
}

Ca create_ca(const scenario::Pki& pki, const CaOptions& opts, const std::string& id,
             const Ca* parent) {
  common::throw_if_stopped("before generating the " + id + " CA");
  Ca ca;
  ca.id = id;
  ca.key = generate_key(pki.key_type);
  CertRequest req;
  req.profile = Profile::ca;
  req.common_name = ca_common_name(pki, id);
  req.organization = pki.organization;
  // A day of slack for clocks behind ours (VMs, containers).
  req.not_before = days_from_now(-1, opts.now);
  req.not_after = days_from_now(pki.ca_validity_days, opts.now);
  Signer signer;
  if (parent) signer = {parent->cert.get(), parent->key.get()};
  ca.cert = issue(req, ca.key.get(), signer);
  write_ca(opts.dir, ca);
  return ca;
}

bool ca_files_exist(const fs::path& dir, const std::string& id) {
  return fs::exists(layout::ca_cert(dir, id)) && fs::exists(layout::ca_key(dir, id));
}

Ca load_ca(const fs::path& dir, const std::string& id) {
  Ca ca;
  ca.id = id;
  const auto cert_path = layout::ca_cert(dir, id);
  ca.cert = ossl::read_cert(cert_path);
  ca.key = ossl::read_key(layout::ca_key(dir, id));
  if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1)
    common::throw_openssl("CA key " + layout::ca_key(dir, id).string() +
                          " does not match " + cert_path.string() +
                          "; run `mtls-harness pki --force` to regenerate the CAs");
  return ca;
}

bool still_valid(const Ca& ca, std::time_t now) {
  return X509_cmp_time(X509_get0_notAfter(ca.cert.get()), &now) > 0;
}

bool issued_by(const Ca& child, const Ca& parent) {
  return X509_check_issued(parent.cert.get(), child.cert.get()) == X509_V_OK &&
         X509_verify(child.cert.get(), X509_get0_pubkey(parent.cert.get())) == 1;
}

std::string read_hash(const fs::path& dir) {
  const auto p = layout::pki_hash_file(dir);
  if (!fs::exists(p)) return {};
  auto text = common::read_file(p);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Root, intermediate and rogue root from disk, or nothing if anything says regenerate.
bool try_reuse(const CaOptions& opts, CaSet& set) {
  const auto& from = opts.keep_from;
  if (opts.force || from.empty() || read_hash(from) != set.hash) return false;
  for (const char* id : {"root", "intermediate", "rogue-root"})
    if (!ca_files_exist(from, id)) return false;
  set.root = load_ca(from, "root");
  set.intermediate = load_ca(from, "intermediate");
  set.rogue = load_ca(from, "rogue-root");
  return still_valid(set.root, opts.now) && still_valid(set.intermediate, opts.now) &&
         still_valid(set.rogue, opts.now) && issued_by(set.intermediate, set.root);
}

[[noreturn]] void bad_user_ca(const fs::path& file, const std::string& what, const std::string& fix) {
  throw UserCaError(file.string() + ": " + what + "; " + fix);
}

Ca load_user_ca(const std::string& id, const fs::path& cert_file, const fs::path& key_file,
                const std::string& password_env, const char* key_name, std::time_t now) {
  Ca ca;
  ca.id = id;
  auto certs = ossl::read_certs(cert_file);
  if (certs.size() != 1)
    bad_user_ca(cert_file, "holds " + std::to_string(certs.size()) + " certificates",
                "name a file with exactly the one CA certificate");
  ca.cert = std::move(certs.front());
  if (X509_check_ca(ca.cert.get()) != 1)
    bad_user_ca(cert_file, "is not a CA certificate (no basicConstraints CA:TRUE)",
                "name the certificate of the CA that signs client certificates");
  if (X509_cmp_time(X509_get0_notAfter(ca.cert.get()), &now) <= 0)
    bad_user_ca(cert_file, "has expired", "renew the CA, or name a current one");
  if (key_file.empty()) return ca;
  ca.key = ossl::read_key(key_file, {password_env, std::string("set [pki] ") + key_name +
                                                       "_password_env = \"VAR\" and export VAR "
                                                       "with the key's passphrase (the harness never prompts)"});
  if (X509_check_private_key(ca.cert.get(), ca.key.get()) != 1) {
    ERR_clear_error();
    bad_user_ca(key_file, std::string("[pki] ") + key_name + " does not fit " + cert_file.string(),
                "name the key of that CA certificate");
  }
  ca.key_source = key_file;
  return ca;
}

// The user's CAs: their certificates go into the fixture set (ca/user-*.crt.pem) so every
// stage finds the trust anchor there; their keys stay where they are.
void load_user_cas(const scenario::UserCa& u, const CaOptions& opts, CaSet& set) {
  set.user_root = load_user_ca("user-root", u.ca_cert, u.ca_key, u.ca_key_password_env, "ca_key", opts.now);
  if (!u.intermediate_cert.empty()) {
    set.user_intermediate = load_user_ca("user-intermediate", u.intermediate_cert, u.intermediate_key,
                                         u.intermediate_key_password_env, "intermediate_key", opts.now);
    if (!issued_by(*set.user_intermediate, *set.user_root))
      bad_user_ca(u.intermediate_cert, "is not issued by [pki] ca_cert " + u.ca_cert.string(),
                  "name the intermediate that the CA in ca_cert signed");
  }
  for (const auto* ca : {&set.user_root, &set.user_intermediate})
    if (*ca) common::write_file_atomic(layout::ca_cert(opts.dir, (*ca)->id), ossl::to_pem((*ca)->cert.get()));
}

}  // namespace

const Ca& CaSet::client_issuer() const {
  if (!user_root) return intermediate;
  return user_intermediate ? *user_intermediate : *user_root;
}

const Ca* CaSet::client_intermediate() const {
  if (!user_root) return &intermediate;
  return user_intermediate ? &*user_intermediate : nullptr;
}

std::vector<const Ca*> CaSet::crl_issuers() const {
  std::vector<const Ca*> out;
  for (const Ca* ca : {&client_root(), client_intermediate()})
    if (ca && ca->key) out.push_back(ca);
  for (const auto& d : deep) out.push_back(&d);
  return out;
}

std::string pki_hash(const scenario::Pki& pki) {
  // nlohmann's default object keeps keys sorted: the dump is canonical.
  const nlohmann::json canonical = {
      {"format", kCaFormat},
      {"key_type", scenario::to_string(pki.key_type)},
      {"organization", pki.organization},
      {"ca_validity_days", pki.ca_validity_days},
      {"verify_depth", pki.verify_depth},
  };
  return common::sha256_hex(canonical.dump());
}

int too_deep_sub_cas(int verify_depth) { return verify_depth; }

CaSet load_or_create_cas(const scenario::Pki& pki, const CaOptions& opts) {
  CaSet set;
  set.hash = pki_hash(pki);
  set.reused = try_reuse(opts, set);
  if (set.reused) {
    for (const Ca* ca : {&set.root, &set.intermediate, &set.rogue}) write_ca(opts.dir, *ca);
  } else {
    set.root = create_ca(pki, opts, "root", nullptr);
    set.intermediate = create_ca(pki, opts, "intermediate", &set.root);
    set.rogue = create_ca(pki, opts, "rogue-root", nullptr);
  }
  if (pki.user_ca.given()) load_user_cas(pki.user_ca, opts, set);
  // Sub-CAs are made on first need; a kept one is reused only if its parent is unchanged.
  bool parent_kept = set.reused || pki.user_ca.given();
  for (int i = 1; i <= opts.deep_count; ++i) {
    const std::string id = "sub-ca-" + std::to_string(i);
    const Ca& parent = set.deep.empty() ? set.client_issuer() : set.deep.back();
    if (parent_kept && ca_files_exist(opts.keep_from, id)) {
      Ca kept = load_ca(opts.keep_from, id);
      if (still_valid(kept, opts.now) && issued_by(kept, parent)) {
        write_ca(opts.dir, kept);
        set.deep.push_back(std::move(kept));
        continue;
      }
    }
    parent_kept = false;
    set.deep.push_back(create_ca(pki, opts, id, &parent));
  }
  common::write_file_atomic(layout::pki_hash_file(opts.dir), set.hash + "\n");
  return set;
}

}  // namespace mtls::pki
