// Orchestrates one scenario's fixture PKI: CAs (kept or made), server, identities, CRLs,
// manifest. The pieces live in ca/identity/crl/p12/manifest; this file only orders them.
#include <algorithm>
#include <atomic>
#include <exception>
#include <fmt/core.h>
#include <openssl/err.h>
#include <optional>
#include <stdexcept>
#include <thread>

#include "common/file_lock.hpp"
#include "common/files.hpp"
#include "common/openssl_error.hpp"
#include "common/signals.hpp"
#include "pki/ca.hpp"
#include "pki/cert_info.hpp"
#include "pki/certs.hpp"
#include "pki/crl.hpp"
#include "pki/dir_safety.hpp"
#include "pki/fixtures.hpp"
#include "pki/identity.hpp"
#include "pki/keys.hpp"
#include "pki/layout.hpp"
#include "pki/manifest.hpp"
#include "pki/reuse.hpp"
#include "pki/stage.hpp"
#include "pki/write.hpp"

namespace mtls::pki {
namespace {

namespace fs = std::filesystem;
using scenario::Fault;

// Deeper than this is a typo, not a test: each level is another CA key to generate.
constexpr int kMaxVerifyDepth = 16;

void check_scenario(const scenario::Scenario& s) {
  if (s.name.empty() || s.name.front() == '.' || s.name.find_first_of("/\\") != std::string::npos)
    throw std::runtime_error("scenario name '" + s.name +
                             "' must be usable as a directory name under the fixtures root");
  const auto& p = s.pki;
  // Clients chain through one intermediate, so depth 0 would make every identity fail.
  if (p.verify_depth < 1 || p.verify_depth > kMaxVerifyDepth)
    throw std::runtime_error(s.file.string() + ": [pki] verify_depth = " +
                             std::to_string(p.verify_depth) + " must be between 1 and " +
                             std::to_string(kMaxVerifyDepth));
  if (p.ca_validity_days < 1 || p.validity_days < 1)
    throw std::runtime_error(s.file.string() +
                             ": [pki] ca_validity_days and validity_days must be at least 1");
  for (const auto& id : s.identities)
    if (id.generated()) check_generated_identity(id);
}

void make_dir(const fs::path& dir) {
  common::make_dirs(dir);
  // Whatever the umask: readable by the gateway user, writable only by us.
  fs::permissions(dir, fs::perms(0755));
}

std::time_t to_time_t(const ASN1_TIME* t) {
  std::tm tm{};
  if (!ASN1_TIME_to_tm(t, &tm)) common::throw_openssl("cannot read a CA's notAfter");
  return timegm(&tm);
}

CertInfo issue_server(const scenario::Pki& pki, const CaSet& cas, Fixtures& f, std::time_t now) {
  auto key = generate_key(pki.key_type);
  CertRequest req;
  req.profile = Profile::server;
  req.common_name = !pki.server_dns.empty()   ? pki.server_dns.front()
                    : !pki.server_ips.empty() ? pki.server_ips.front()
                                              : "localhost";
  req.organization = pki.organization;
  req.san_dns = pki.server_dns;
  req.san_ip = pki.server_ips;
  req.eku_server_auth = true;
  req.not_before = days_from_now(-1, now);
  req.not_after = days_from_now(pki.validity_days, now);
  auto cert = issue(req, key.get(), {cas.intermediate.cert.get(), cas.intermediate.key.get()});
  const std::string leaf = ossl::to_pem(cert.get());
  write_fixture(f.server_cert, leaf);
  write_fixture_secret(f.server_key, ossl::to_pem(key.get()));
  write_fixture(f.server_fullchain,
                            leaf + ossl::to_pem(cas.intermediate.cert.get()));
  return describe_cert(cert.get());
}

// One CRL per CA a client chain can pass through, and their concatenation: nginx's
// ssl_crl wants a CRL for every CA once CRL checking is on.
void write_crls(const CaSet& cas, const scenario::UserCa& user, const std::vector<ossl::Integer>& revoked,
                const Fixtures& f, std::time_t now) {
  std::string bundle;
  if (cas.user_root && !cas.user_root->key && !user.ca_crl.empty()) {
    // The root's own CRL, as published: the harness cannot sign one without the root's key.
    auto crls = ossl::read_crls(user.ca_crl);
    for (auto& crl : crls) {
      if (X509_CRL_verify(crl.get(), X509_get0_pubkey(cas.user_root->cert.get())) != 1) {
        ERR_clear_error();
        throw UserCaError(user.ca_crl.string() + ": [pki] ca_crl is not signed by [pki] ca_cert " +
                          user.ca_cert.string() + "; name that CA's CRL");
      }
      bundle += ossl::to_pem(crl.get());
    }
  }
  for (const Ca* ca : cas.crl_issuers()) {
    CrlRequest req;
    req.ca = ca->cert.get();
    req.ca_key = ca->key.get();
    if (ca == &cas.client_issuer())
      for (const auto& serial : revoked) req.revoked_serials.push_back(serial.get());
    req.this_update = now - 3600;  // an hour of slack for clocks behind ours
    req.next_update = to_time_t(X509_get0_notAfter(ca->cert.get()));
    req.number = static_cast<long>(now);
    const std::string pem = ossl::to_pem(make_crl(req).get());
    write_fixture(layout::ca_crl(f.dir, ca->id), pem);
    bundle += pem;
  }
  write_fixture(f.crl_bundle, bundle);
}

std::vector<CaRecord> ca_records(const CaSet& cas, const fs::path& dir) {
  std::vector<CaRecord> out;
  const auto crl = cas.crl_issuers();
  auto add = [&](const Ca& ca) {
    const bool has_crl = std::find(crl.begin(), crl.end(), &ca) != crl.end();
    // A user CA's key stays where the user keeps it; the manifest does not point at it.
    out.push_back({ca.id, layout::ca_cert(dir, ca.id),
                   ca.key_source.empty() ? layout::ca_key(dir, ca.id) : fs::path(),
                   has_crl ? layout::ca_crl(dir, ca.id) : fs::path(), describe_cert(ca.cert.get())});
  };
  if (cas.user_root) add(*cas.user_root);
  if (cas.user_intermediate) add(*cas.user_intermediate);
  add(cas.root);
  add(cas.intermediate);
  for (const auto& d : cas.deep) add(d);
  add(cas.rogue);
  return out;
}

// Identities are independent and key generation dominates (RSA especially), so they are
// issued on all cores. The CAs are only read: signing takes a fresh EVP_PKEY_CTX per
// certificate, and the issuers' extension caches are filled before the threads start.
std::vector<IssuedIdentity> issue_all(const std::vector<const scenario::Identity*>& ids,
                                      const IssueContext& ctx) {
  for (const Ca* ca : {&ctx.cas->root, &ctx.cas->intermediate, &ctx.cas->rogue, &ctx.cas->client_root(),
                       &ctx.cas->client_issuer()})
    X509_check_purpose(ca->cert.get(), -1, 0);
  for (const auto& ca : ctx.cas->deep) X509_check_purpose(ca.cert.get(), -1, 0);

  std::vector<std::optional<IssuedIdentity>> done(ids.size());
  std::vector<std::exception_ptr> errors(ids.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next++) < ids.size() && !common::stop_requested();) {
      try {
        done[i] = issue_identity(*ids[i], ctx);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  const std::size_t n = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                               ids.size());
  std::vector<std::jthread> pool;
  for (std::size_t t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  pool.clear();  // joins
  common::throw_if_stopped("while issuing the identities");

  std::vector<IssuedIdentity> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (errors[i]) std::rethrow_exception(errors[i]);  // the first in scenario order
    out.push_back(std::move(*done[i]));
  }
  return out;
}

// Builds the whole set in `dir` (the staging directory), keeping the CAs of `keep_from` when
// they fit, and writes the state last.
Fixtures generate(const scenario::Scenario& s, const Options& opts, const fs::path& dir,
                  const fs::path& keep_from, std::time_t now) {
  Fixtures f;
  f.dir = dir;
  f.ca_bundle = layout::ca_bundle(f.dir);
  f.crl_bundle = layout::crl_bundle(f.dir);
  f.server_cert = layout::server_dir(f.dir) / "cert.pem";
  f.server_key = layout::server_dir(f.dir) / "key.pem";
  f.server_fullchain = layout::server_dir(f.dir) / "fullchain.pem";
  f.server_trust = layout::ca_cert(f.dir, "root");
  f.manifest = layout::manifest(f.dir);
  f.verify_depth = s.pki.verify_depth;
  for (const auto& d : {f.dir, layout::ca_dir(f.dir), layout::crl_dir(f.dir),
                        layout::server_dir(f.dir), f.dir / "clients"})
    make_dir(d);

  const bool any_too_deep = std::any_of(s.identities.begin(), s.identities.end(), [](auto& i) {
    return i.generated() && i.fault == Fault::too_deep;
  });
  CaOptions ca_opts;
  ca_opts.dir = f.dir;
  ca_opts.keep_from = keep_from;
  ca_opts.deep_count = any_too_deep ? too_deep_sub_cas(s.pki.verify_depth) : 0;
  ca_opts.force = opts.force;
  ca_opts.now = now;
  const CaSet cas = load_or_create_cas(s.pki, ca_opts);
  f.ca_reused = cas.reused;
  // Clients send their intermediate, so the gateway trusts the root alone.
  write_fixture(f.ca_bundle, ossl::to_pem(cas.client_root().cert.get()));
  for (const auto* ca : {&cas.user_root, &cas.user_intermediate})
    if (*ca && !(*ca)->key_source.empty())
      f.outside_ca_keys.push_back({(*ca)->id, (*ca)->key_source,
                                   ca == &cas.user_root ? s.pki.user_ca.ca_key_password_env
                                                        : s.pki.user_ca.intermediate_key_password_env});

  ManifestInput manifest;
  common::throw_if_stopped("before issuing the server certificate");
  manifest.server = issue_server(s.pki, cas, f, now);

  std::vector<const scenario::Identity*> to_issue;
  for (const auto& id : s.identities)
    if (id.generated()) to_issue.push_back(&id);
  auto issued = issue_all(to_issue, IssueContext{&cas, &s.pki, f.dir, now});

  std::vector<ossl::Integer> revoked;
  auto next_issued = issued.begin();
  for (const auto& id : s.identities) {  // in scenario order, brought ones in place
    if (!id.generated()) {
      f.identities.push_back(describe_brought_identity(id));
      continue;
    }
    if (next_issued->revoked_serial) revoked.push_back(std::move(next_issued->revoked_serial));
    f.identities.push_back(std::move(next_issued->files));
    ++next_issued;
  }
  write_crls(cas, s.pki.user_ca, revoked, f, now);

  manifest.fixtures = &f;
  manifest.scenario = s.name;
  manifest.pki_hash = cas.hash;
  manifest.generated_at = iso8601(now);
  manifest.pki_hash_file = layout::pki_hash_file(f.dir);
  manifest.cas = ca_records(cas, f.dir);
  write_manifest(manifest);
  return f;
}

}  // namespace

Fixtures materialize(const scenario::Scenario& s, const Options& opts) {
  check_scenario(s);  // before touching the disk
  const fs::path dir = opts.fixtures_root / s.name;
  // One generation at a time: the lock is held while the set is checked, made and swapped.
  const auto lock = common::FileLock::acquire(layout::lock_file(dir), common::lock_wait(),
                                              "fixture set " + dir.string());
  refuse_shared_writable(dir);  // before reusing or replacing anything there
  refuse_foreign(dir);
  const std::time_t now = std::time(nullptr);
  const std::string hash = fixture_hash(s);
  if (!opts.force)
    if (auto kept = load_state(dir, hash, now)) return *kept;

  try {
    StagedSet staged(dir);
    // CAs are kept only from a set that is whole: a torn one could pair a new CA with old
    // leaves, and its refusals would be about the wrong thing.
    auto f = generate(s, opts, staged.path(), matches_state(dir) ? dir : fs::path(), now);
    rebase(f, staged.path(), dir);
    save_state(f, hash, now, staged.path());
    common::throw_if_stopped("before putting the new set in place");
    staged.commit();
    return f;
  } catch (const common::Interrupted& e) {
    throw common::Interrupted(fmt::format("fixture generation for {} {}; {} was left as it was",
                                          dir.string(), e.what(), dir.string()));
  }
}

}  // namespace mtls::pki
