#include "pki/identity.hpp"

#include <openssl/err.h>
#include <stdexcept>

#include "common/files.hpp"
#include "common/openssl_error.hpp"
#include "pki/cert_info.hpp"
#include "pki/certs.hpp"
#include "pki/keys.hpp"
#include "pki/layout.hpp"
#include "pki/p12.hpp"
#include "pki/verify_errors.hpp"
#include "pki/write.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;
using scenario::Fault;

[[noreturn]] void bad_identity(const scenario::Identity& id, const std::string& what) {
  throw std::runtime_error("identity '" + id.name + "' (fault " + scenario::to_string(id.fault) +
                           "): " + what);
}

// Who signs the leaf and which intermediates the client sends with it.
struct Issuance {
  Signer signer;             // {nullptr, nullptr}: self-signed
  std::vector<X509*> chain;  // what chain.pem holds, the leaf's issuer first
};

Issuance issuance_for(Fault fault, const CaSet& cas) {
  const Ca& issuer = cas.client_issuer();
  std::vector<X509*> above;  // what the client sends above its issuer: the intermediate, if any
  if (const Ca* inter = cas.client_intermediate()) above.push_back(inter->cert.get());
  switch (fault) {
    case Fault::wrong_ca:
      return {{cas.rogue.cert.get(), cas.rogue.key.get()}, {}};
    case Fault::self_signed:
      return {{}, {}};
    case Fault::missing_intermediate:  // issued normally; the client just omits the chain
      return {{issuer.cert.get(), issuer.key.get()}, {}};
    case Fault::too_deep: {
      if (cas.deep.empty()) throw std::logic_error("too-deep identity without sub-CAs");
      Issuance out{{cas.deep.back().cert.get(), cas.deep.back().key.get()}, {}};
      for (auto it = cas.deep.rbegin(); it != cas.deep.rend(); ++it)
        out.chain.push_back(it->cert.get());
      out.chain.insert(out.chain.end(), above.begin(), above.end());
      return out;
    }
    default:
      if (!issuer.key)
        throw std::logic_error("client issuer " + issuer.id + " has no key");  // the scenario reader refuses this
      return {{issuer.cert.get(), issuer.key.get()}, above};
  }
}

std::string pem_of(const std::vector<X509*>& certs) {
  std::string out;
  for (X509* c : certs) out += ossl::to_pem(c);
  return out;
}

void fill_description(IdentityFiles& f, X509* cert) {
  const auto info = describe_cert(cert);
  f.subject = info.subject;
  f.serial = info.serial;
  f.not_before = info.not_before;
  f.not_after = info.not_after;
  f.expected_verify_error = expected_verify_error(f.fault);
  f.expected_verify_error_name = verify_error_name(f.expected_verify_error);
}

}  // namespace

void check_generated_identity(const scenario::Identity& id) {
  if (id.name.empty() || id.name.front() == '.' ||
      id.name.find_first_of("/\\") != std::string::npos)
    bad_identity(id, "name must be usable as a directory name (no '/', not starting with '.')");
  const int from = id.not_before_days;
  const int to = id.not_after_days;
  if (to <= from)
    bad_identity(id, "not_after_days (" + std::to_string(to) + ") must be after not_before_days (" +
                         std::to_string(from) + ")");
  if (id.fault == Fault::expired) {
    if (to >= 0) bad_identity(id, "an expired certificate needs not_after_days < 0");
  } else if (id.fault == Fault::not_yet_valid) {
    if (from <= 0) bad_identity(id, "a not-yet-valid certificate needs not_before_days > 0");
  } else if (from > 0 || to <= 0) {
    bad_identity(id, "the validity window [" + std::to_string(from) + ", " + std::to_string(to) +
                         "] days must include today");
  }
}

IssuedIdentity issue_identity(const scenario::Identity& id, const IssueContext& ctx) {
  check_generated_identity(id);
  const auto dir = layout::client_dir(ctx.dir, id.name);
  common::make_dirs(dir);
  fs::permissions(dir, fs::perms(0755));

  ossl::Key key =
      id.fault == Fault::weak_key ? generate_weak_rsa_key() : generate_key(id.key_type);
  CertRequest req;
  req.profile = Profile::client;
  req.common_name = id.common_name.empty() ? id.name : id.common_name;
  req.organization = id.organization.empty() ? ctx.pki->organization : id.organization;
  req.organizational_unit = id.organizational_unit;
  req.san_dns = id.san_dns;
  req.san_uri = id.san_uri;
  req.eku_server_auth = id.fault == Fault::wrong_eku;
  req.not_before = days_from_now(id.not_before_days, ctx.now);
  req.not_after = days_from_now(id.not_after_days, ctx.now);
  const auto how = issuance_for(id.fault, *ctx.cas);
  ossl::Cert cert = issue(req, key.get(), how.signer);
  // key-mismatch: the certificate is for `key`, the files hold another key of that type.
  ossl::Key shipped_key = id.fault == Fault::key_mismatch ? generate_key(id.key_type) : nullptr;
  EVP_PKEY* file_key = shipped_key ? shipped_key.get() : key.get();

  IssuedIdentity out;
  IdentityFiles& f = out.files;
  f.name = id.name;
  f.fault = id.fault;
  f.key_matches_cert = !shipped_key;
  f.cert = dir / "cert.pem";
  f.key = dir / "key.pem";
  f.fullchain = dir / "fullchain.pem";
  f.bundle = dir / "bundle.pem";
  f.p12 = dir / (id.name + ".p12");
  fill_description(f, cert.get());

  const std::string key_pem = ossl::to_pem(file_key);
  const std::string leaf_pem = ossl::to_pem(cert.get());
  const std::string chain_pem = pem_of(how.chain);
  write_fixture(f.cert, leaf_pem);
  write_fixture_secret(f.key, key_pem);
  if (how.chain.empty()) {
    std::error_code ec;
    fs::remove(dir / "chain.pem", ec);  // left over from an earlier fault
  } else {
    f.chain = dir / "chain.pem";
    write_fixture(f.chain, chain_pem);
  }
  write_fixture(f.fullchain, leaf_pem + chain_pem);
  write_fixture_secret(f.bundle, key_pem + leaf_pem + chain_pem);
  write_fixture_secret(
      f.p12, make_p12(file_key, cert.get(), how.chain, id.name, ctx.pki->p12_password));

  if (id.fault == Fault::revoked)
    out.revoked_serial.reset(ASN1_INTEGER_dup(X509_get0_serialNumber(cert.get())));
  return out;
}

ossl::Passphrase key_passphrase(const std::string& identity, const std::string& env) {
  return {env, "set key_password_env = \"VAR\" in the [[identity]] named '" + identity +
                   "' and export VAR with the key's passphrase (the harness never prompts)"};
}

std::vector<ossl::Cert> read_brought_certs(const std::string& identity, const char* role,
                                           const fs::path& file) {
  try {
    return ossl::read_certs(file);
  } catch (const std::exception& e) {
    throw std::runtime_error("identity '" + identity + "': " + role + " " + e.what());
  }
}

ossl::Key read_brought_key(const std::string& identity, const fs::path& file,
                           const std::string& password_env) {
  try {
    return ossl::read_key(file, key_passphrase(identity, password_env));
  } catch (const std::exception& e) {
    throw std::runtime_error("identity '" + identity + "': key " + e.what());
  }
}

IdentityFiles describe_brought_identity(const scenario::Identity& id) {
  IdentityFiles f;
  f.name = id.name;
  f.fault = id.fault;
  f.cert = id.cert_file;
  f.key = id.key_file;
  f.chain = id.chain_file;
  f.key_password_env = id.key_password_env;
  auto certs = read_brought_certs(id.name, "cert", id.cert_file);
  if (!id.chain_file.empty()) read_brought_certs(id.name, "chain", id.chain_file);
  // A leaf-only file, or one that already carries its intermediates, is a full chain.
  if (id.chain_file.empty() || certs.size() > 1) f.fullchain = id.cert_file;
  fill_description(f, certs.front().get());
  if (!id.key_file.empty()) {
    auto key = read_brought_key(id.name, id.key_file, id.key_password_env);
    f.key_matches_cert = X509_check_private_key(certs.front().get(), key.get()) == 1;
    ERR_clear_error();
  }
  return f;
}

}  // namespace mtls::pki
