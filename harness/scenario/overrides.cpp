#include "scenario/overrides.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fnmatch.h>

#include "common/https_url.hpp"
#include "scenario/names.hpp"

namespace mtls::scenario {
namespace {

// --phase, --duration, --connections, --rate: narrow and reshape the [[load]] phases. The
// ceilings are the scenario's own defaults (README "Load"); a bad value is a usage error.
std::optional<std::string> apply_load(const Overrides& a, Scenario& s) {
  if (!a.phases.empty()) {
    std::vector<LoadPhase> kept;
    for (const auto& p : s.load)
      for (const auto& glob : a.phases)
        if (fnmatch(glob.c_str(), p.name.c_str(), 0) == 0) {
          kept.push_back(p);
          break;
        }
    if (kept.empty()) {
      std::string known;
      for (const auto& p : s.load) known += " " + p.name;
      return "--phase: no load phase matches; phases are:" + (s.load.empty() ? " (none)" : known);
    }
    s.load = kept;
  }
  if (a.connections && a.rate)
    return "--connections (closed loop) and --rate (open loop) exclude each other: give one";
  for (auto& p : s.load) {
    if (a.duration_s) {
      if (p.ramp_up_s + p.warmup_s >= *a.duration_s)
        return fmt::format("--duration {:g}: phase '{}' ramps up for {:g} s and warms up for "
                           "{:g} s, which leaves nothing to measure; give a longer duration",
                           *a.duration_s, p.name, p.ramp_up_s, p.warmup_s);
      p.duration_s = *a.duration_s;
    }
    if (a.connections) {
      p.connections = *a.connections;
      p.rate = 0;
    }
    if (a.rate) {
      p.rate = *a.rate;
      p.connections = 0;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> apply(const Overrides& a, Scenario& s) {
  if (a.target.rfind("https://", 0) == 0) {
    // A gateway that is already running (another process, another machine): the load and
    // cases go to that URL; the CA is the scenario's [target].ca_file or, when it has none,
    // the fixture PKI's (a gateway serving this scenario's fixtures: `mtls-harness serve`).
    const auto parsed = common::parse_https_url(a.target);
    if (!parsed.url)
      return "--target: '" + a.target + "' " + parsed.problem +
             " (expected https://host[:port][/path])";
    s.target.kind = TargetKind::external;
    s.target.url = a.target;
    s.target.server_name = parsed.url->host;
  } else if (!a.target.empty()) {
    auto k = parse_name<TargetKind>(a.target);
    if (!k)
      return "--target: '" + a.target + "' is not one of " +
             fmt::format("{}", fmt::join(all_names<TargetKind>(), ", "));
    // A launched gateway refuses its own way: read the cases with its profile, as the
    // loader does when the scenario names that kind.
    if (*k == TargetKind::embedded) s.target.profile = "strict";
    else if (*k != TargetKind::external) s.target.profile = to_string(*k);
    s.target.kind = *k;
  }
  if (!a.tls.empty()) {
    std::vector<TlsVersion> keep;
    for (const auto& t : a.tls) {
      auto v = parse_name<TlsVersion>(t);
      if (!v) return "--tls: '" + t + "' is not 1.2 or 1.3";
      keep.push_back(*v);
    }
    for (auto& c : s.cases) {
      std::vector<TlsVersion> vs;
      for (auto v : c.tls_versions)
        if (std::find(keep.begin(), keep.end(), v) != keep.end()) vs.push_back(v);
      c.tls_versions = vs;
    }
  }
  if (!a.cases.empty()) {
    std::vector<Case> kept;
    for (auto& c : s.cases)
      for (const auto& glob : a.cases)
        if (fnmatch(glob.c_str(), c.name.c_str(), 0) == 0) {
          kept.push_back(c);
          break;
        }
    if (kept.empty()) {
      std::string known;
      for (const auto& c : s.cases) known += " " + c.name;
      return "--case: no case matches; cases are:" + known;
    }
    s.cases = kept;
  }
  return apply_load(a, s);
}

}  // namespace mtls::scenario
