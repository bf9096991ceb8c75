#include "scenario/names.hpp"

namespace mtls::scenario {
namespace {

constexpr NameEntry<KeyType> kKeyTypes[] = {
    {KeyType::ec_p256, "ec-p256"},   {KeyType::ec_p384, "ec-p384"},
    {KeyType::rsa_2048, "rsa-2048"}, {KeyType::rsa_3072, "rsa-3072"},
    {KeyType::rsa_4096, "rsa-4096"}, {KeyType::ed25519, "ed25519"},
};

constexpr NameEntry<Fault> kFaults[] = {
    {Fault::none, "none"},
    {Fault::expired, "expired"},
    {Fault::not_yet_valid, "not-yet-valid"},
    {Fault::wrong_ca, "wrong-ca"},
    {Fault::revoked, "revoked"},
    {Fault::self_signed, "self-signed"},
    {Fault::wrong_eku, "wrong-eku"},
    {Fault::missing_intermediate, "missing-intermediate"},
    {Fault::too_deep, "too-deep"},
    {Fault::weak_key, "weak-key"},
    {Fault::key_mismatch, "key-mismatch"},
    {Fault::not_allowed, "not-allowed"},
};

constexpr NameEntry<TlsVersion> kTlsVersions[] = {
    {TlsVersion::tls1_2, "1.2"},
    {TlsVersion::tls1_3, "1.3"},
};

constexpr NameEntry<TargetKind> kTargetKinds[] = {
    {TargetKind::embedded, "embedded"},
    {TargetKind::nginx, "nginx"},
    {TargetKind::external, "external"},
    {TargetKind::haproxy, "haproxy"},
    {TargetKind::apache, "apache"},
    {TargetKind::caddy, "caddy"},
};

constexpr NameEntry<VerifyMode> kVerifyModes[] = {
    {VerifyMode::required, "required"},
    {VerifyMode::optional, "optional"},
    {VerifyMode::optional_no_ca, "optional_no_ca"},
    {VerifyMode::off, "off"},
};

constexpr NameEntry<ExpectKind> kExpectKinds[] = {
    {ExpectKind::accept, "accept"},
    {ExpectKind::reject, "reject"},
};

constexpr NameEntry<Layer> kLayers[] = {
    {Layer::any, "any"}, {Layer::tcp, "tcp"}, {Layer::tls, "tls"}, {Layer::http, "http"}};

constexpr NameEntry<Reason> kReasons[] = {
    {Reason::no_certificate, "no_certificate"},
    {Reason::unknown_ca, "unknown_ca"},
    {Reason::certificate_expired, "certificate_expired"},
    {Reason::certificate_not_yet_valid, "certificate_not_yet_valid"},
    {Reason::certificate_revoked, "certificate_revoked"},
    {Reason::unsupported_certificate, "unsupported_certificate"},
    {Reason::bad_certificate, "bad_certificate"},
    {Reason::chain_too_long, "chain_too_long"},
    {Reason::weak_key, "weak_key"},
    {Reason::key_mismatch, "key_mismatch"},
    {Reason::not_allowed, "not_allowed"},
    {Reason::ocsp_revoked, "ocsp_revoked"},
    {Reason::ocsp_unknown, "ocsp_unknown"},
    {Reason::ocsp_unavailable, "ocsp_unavailable"},
};

constexpr NameEntry<OcspStatus> kOcspStatuses[] = {
    {OcspStatus::good, "good"}, {OcspStatus::revoked, "revoked"}, {OcspStatus::unknown, "unknown"}};

constexpr NameEntry<OcspCheck> kOcspChecks[] = {
    {OcspCheck::off, "off"}, {OcspCheck::leaf, "leaf"}, {OcspCheck::chain, "chain"}};

constexpr NameEntry<OcspResponder> kOcspResponders[] = {
    {OcspResponder::up, "up"}, {OcspResponder::down, "down"}};

constexpr NameEntry<Resumption> kResumptions[] = {
    {Resumption::none, "none"},
    {Resumption::session_id, "session-id"},
    {Resumption::ticket, "ticket"},
    {Resumption::psk, "psk"},
};

template <typename E, std::size_t N>
std::string lookup(const NameEntry<E> (&table)[N], E v) {
  for (const auto& e : table)
    if (e.value == v) return std::string(e.name);
  return "?";
}

}  // namespace

std::span<const NameEntry<KeyType>> names(KeyType) { return kKeyTypes; }
std::span<const NameEntry<Fault>> names(Fault) { return kFaults; }
std::span<const NameEntry<TlsVersion>> names(TlsVersion) { return kTlsVersions; }
std::span<const NameEntry<TargetKind>> names(TargetKind) { return kTargetKinds; }
std::span<const NameEntry<VerifyMode>> names(VerifyMode) { return kVerifyModes; }
std::span<const NameEntry<ExpectKind>> names(ExpectKind) { return kExpectKinds; }
std::span<const NameEntry<Layer>> names(Layer) { return kLayers; }
std::span<const NameEntry<Reason>> names(Reason) { return kReasons; }
std::span<const NameEntry<Resumption>> names(Resumption) { return kResumptions; }
std::span<const NameEntry<OcspStatus>> names(OcspStatus) { return kOcspStatuses; }
std::span<const NameEntry<OcspCheck>> names(OcspCheck) { return kOcspChecks; }
std::span<const NameEntry<OcspResponder>> names(OcspResponder) { return kOcspResponders; }

std::string to_string(KeyType v) { return lookup(kKeyTypes, v); }
std::string to_string(Fault v) { return lookup(kFaults, v); }
std::string to_string(TlsVersion v) { return lookup(kTlsVersions, v); }
std::string to_string(TargetKind v) { return lookup(kTargetKinds, v); }
std::string to_string(VerifyMode v) { return lookup(kVerifyModes, v); }
std::string to_string(ExpectKind v) { return lookup(kExpectKinds, v); }
std::string to_string(Layer v) { return lookup(kLayers, v); }
std::string to_string(Reason v) { return lookup(kReasons, v); }
std::string to_string(Resumption v) { return lookup(kResumptions, v); }
std::string to_string(OcspStatus v) { return lookup(kOcspStatuses, v); }
std::string to_string(OcspCheck v) { return lookup(kOcspChecks, v); }
std::string to_string(OcspResponder v) { return lookup(kOcspResponders, v); }

std::optional<Reason> reason_for(Fault f) {
  switch (f) {
    case Fault::none: return std::nullopt;
    case Fault::expired: return Reason::certificate_expired;
    case Fault::not_yet_valid: return Reason::certificate_not_yet_valid;
    case Fault::wrong_ca: return Reason::unknown_ca;
    case Fault::revoked: return Reason::certificate_revoked;
    case Fault::self_signed: return Reason::unknown_ca;
    case Fault::wrong_eku: return Reason::unsupported_certificate;
    case Fault::missing_intermediate: return Reason::unknown_ca;
    case Fault::too_deep: return Reason::chain_too_long;
    case Fault::weak_key: return Reason::weak_key;
    case Fault::key_mismatch: return Reason::key_mismatch;
    case Fault::not_allowed: return Reason::not_allowed;
  }
  return std::nullopt;
}

}  // namespace mtls::scenario
