#include "cases/revoked_resume.hpp"

#include <chrono>
#include <fmt/format.h>
#include <stdexcept>
#include <thread>
#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "cases/one_shot.hpp"
#include "pki/revoke.hpp"

namespace mtls::cases {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kSettle = std::chrono::seconds(10);  // an nginx reload takes well under this
constexpr auto kPollEvery = std::chrono::milliseconds(25);

// The phase's first valid identity: the check revokes it for a moment, so it must be one the
// target accepts to begin with.
const pki::IdentityFiles* pick_identity(const scenario::LoadPhase& phase,
                                        const scenario::Scenario& s, const pki::Fixtures& f) {
  std::vector<std::string> names;
  for (const auto& w : phase.identities) names.push_back(w.identity);
  if (names.empty())
    for (const auto& id : s.identities) names.push_back(id.name);
  for (const auto& n : names)
    if (const auto* files = f.find(n); files && files->fault == scenario::Fault::none &&
                                       !files->cert.empty())
      return files;
  return nullptr;
}

// Fresh full handshakes until `wanted(result)` holds, the target is unreachable (that result
// is returned: the caller must not read it as an answer), or the settle time is over.
template <typename Pred>
std::optional<OneShotResult> poll_until(const OneShotClient& client, const std::string& path,
                                        Pred wanted, Clock::duration* took) {
  const auto start = Clock::now();
  for (;;) {
    auto r = client.get(path);
    if (r.unreachable()) return r;
    if (wanted(r)) {
      if (took) *took = Clock::now() - start;
      return r;
    }
    if (Clock::now() - start > kSettle) return std::nullopt;
    std::this_thread::sleep_for(kPollEvery);
  }
}

void unreachable(RevokedResumeCheck& c, const target::Endpoint& ep, const std::string& when,
                 const OneShotResult& r) {
  c.outcome = "unreachable";
  c.detail = fmt::format("no TCP connection to {}:{} {} ({}): the target is not answering, which "
                         "says nothing about the revoked certificate; check that it is running",
                         ep.host, ep.port, when, r.error);
}

}  // namespace

RevokedResumeCheck check_revoked_resume(const scenario::LoadPhase& phase,
                                        const scenario::Scenario& s, const pki::Fixtures& f,
                                        target::RunningTarget& target) {
  RevokedResumeCheck c;
  if (phase.resumption == scenario::Resumption::none) {
    c.detail = "the phase does not resume sessions";
    return c;
  }
  const auto* files = pick_identity(phase, s, f);
  if (!files) {
    c.detail = "the phase has no valid generated identity to revoke";
    return c;
  }
  c.identity = files->name;
  if (!s.target.crl) {
    c.detail = "[target].crl is off: there is no CRL to revoke the client with";
    return c;
  }
  const auto ep = target.endpoint();
  const OneShotClient client(ep, phase.tls_version, phase.resumption,
                             tlsclient::credentials_for(*files),
                             std::chrono::milliseconds(s.target.timeout_ms));
  const std::string& path = phase.path;

  auto first = client.get(path);
  if (first.unreachable()) {
    unreachable(c, ep, "before revocation", first);
    return c;
  }
  if (!first.accepted()) {
    c.outcome = "inconclusive";
    c.detail = fmt::format("'{}' was not accepted before revocation: {}", c.identity, first.describe());
    return c;
  }
  if (!first.session || SSL_SESSION_is_resumable(first.session.get()) != 1) {
    c.outcome = "inconclusive";
    c.detail = "the target issued no resumable session (session cache and tickets off?)";
    return c;
  }

  const std::string original = common::read_file(f.crl_bundle);
  if (!target.replace_crls(pki::crl_bundle_revoking(f, *files))) {
    c.detail = target.describe() + " cannot take a new CRL while it runs";
    return c;
  }
  const auto restore = [&] {
    target.replace_crls(original);
    const auto back = poll_until(client, path, [](const OneShotResult& r) { return r.accepted(); },
                                 nullptr);
    c.restored = back && back->accepted();
    if (!c.restored)
      c.detail += fmt::format("; the original CRLs were pushed back but '{}' was still refused "
                              "after {} s", c.identity, kSettle.count());
  };

  Clock::duration took{};
  const auto refused = poll_until(
      client, path, [](const OneShotResult& r) { return !r.accepted(); }, &took);
  if (refused && refused->unreachable()) {
    unreachable(c, ep, "after its CRL was replaced", *refused);
    restore();
    return c;
  }
  if (!refused) {
    c.outcome = "inconclusive";
    c.detail = fmt::format("the target still accepted '{}' {} s after its CRL revoked it (does "
                           "its configuration check CRLs?)", c.identity, kSettle.count());
    restore();
    return c;
  }
  c.revocation_effective_ms = std::chrono::duration<double, std::milli>(took).count();

  const auto again = client.get(path, first.session.get());
  if (again.unreachable()) {
    unreachable(c, ep, "when the kept session was offered", again);
    restore();
    return c;
  }
  c.resumed = again.resumed;
  c.status = again.status;
  if (again.resumed && again.accepted()) {
    c.outcome = "gets_in";
    c.detail = fmt::format("revoked '{}' resumed its earlier session and got {}, while a full "
                           "handshake was refused ({})", c.identity, again.describe(),
                           refused->describe());
  } else if (again.resumed) {
    c.outcome = "refused";
    c.detail = fmt::format("the session resumed, but the answer was {}", again.describe());
  } else {
    c.outcome = "refused";
    c.detail = fmt::format("the target declined the session (full handshake) and refused the "
                           "revoked certificate: {}", again.describe());
  }
  restore();
  return c;
}

}  // namespace mtls::cases
