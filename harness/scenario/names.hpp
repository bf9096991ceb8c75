// One table per enum: the TOML spelling of each value. Parsing, printing, error messages
// ("expected one of ...") and suggestions all read the same table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace mtls::scenario {

template <typename E>
struct NameEntry {
  E value;
  std::string_view name;
};

std::span<const NameEntry<KeyType>> names(KeyType);
std::span<const NameEntry<Fault>> names(Fault);
std::span<const NameEntry<TlsVersion>> names(TlsVersion);
std::span<const NameEntry<TargetKind>> names(TargetKind);
std::span<const NameEntry<VerifyMode>> names(VerifyMode);
std::span<const NameEntry<ExpectKind>> names(ExpectKind);
std::span<const NameEntry<Layer>> names(Layer);
std::span<const NameEntry<Reason>> names(Reason);
std::span<const NameEntry<Resumption>> names(Resumption);
std::span<const NameEntry<OcspStatus>> names(OcspStatus);
std::span<const NameEntry<OcspCheck>> names(OcspCheck);
std::span<const NameEntry<OcspResponder>> names(OcspResponder);

template <typename E>
std::optional<E> parse_name(std::string_view text) {
  for (const auto& e : names(E{}))
    if (e.name == text) return e.value;
  return std::nullopt;
}

template <typename E>
std::vector<std::string> all_names() {
  std::vector<std::string> out;
  for (const auto& e : names(E{})) out.emplace_back(e.name);
  return out;
}

// The refusal reason a correct gateway gives for an identity with this fault.
std::optional<Reason> reason_for(Fault);

}  // namespace mtls::scenario
