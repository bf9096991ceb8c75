// [[load]]: load phases, run in order after the cases. Every phase is bounded in time and
// size; going past the built-in ceilings needs an explicit raise_limits = true.
#include <algorithm>
#include <fmt/core.h>
#include <map>

#include "scenario/sections.hpp"

namespace mtls::scenario::detail {
namespace {

constexpr std::string_view kKeys[] = {
    "name",          "connections",   "rate",
    "ramp_up_s",     "duration_s",    "warmup_s",      "drain_s",
    "max_connections_total", "requests_per_connection", "identity",
    "mix",           "resumption",    "resumed_share",
    "tls_version",   "threads",       "path",
    "gates",         "raise_limits"};

constexpr std::string_view kGateKeys[] = {
    "handshake_p99_ms",     "error_rate_max", "handshakes_per_s_min", "resumed_ratio_min",
    "client_cpu_us_per_handshake_max", "target_cpu_us_per_handshake_max", "revoked_resume"};

// Ceilings a phase stays under unless the scenario says raise_limits = true: a typo in a
// rate must not turn a CI job into a denial of service.
struct Limits {
  double duration_s, rate, connections, total;
};
constexpr Limits kDefaultLimits{600, 50000, 20000, 10'000'000};
constexpr Limits kRaisedLimits{86400, 1'000'000, 1'000'000, 1e12};

void read_gates(Reader& r, const toml::table& t, const std::string& path, Gates& g) {
  const toml::table* gt = r.table(t, "gates", path);
  if (!gt) return;
  std::string gp = join(path, "gates");
  r.check_keys(*gt, gp, "[load.gates]", kGateKeys);
  g.handshake_p99_ms = r.number(*gt, "handshake_p99_ms", gp, 0, 3.6e6);
  g.error_rate_max = r.number(*gt, "error_rate_max", gp, 0, 1);
  g.handshakes_per_s_min = r.number(*gt, "handshakes_per_s_min", gp, 0, 1e9);
  g.resumed_ratio_min = r.number(*gt, "resumed_ratio_min", gp, 0, 1);
  g.client_cpu_us_per_handshake_max = r.number(*gt, "client_cpu_us_per_handshake_max", gp, 0, 1e9);
  g.target_cpu_us_per_handshake_max = r.number(*gt, "target_cpu_us_per_handshake_max", gp, 0, 1e9);
  static const std::vector<std::string> kResumeAnswers = {"refused", "gets_in"};
  if (auto v = r.one_of(*gt, "revoked_resume", gp, kResumeAnswers)) {
    g.revoked_resume = *v;
    const auto resumption = t["resumption"].value<std::string>();
    if (!resumption || *resumption == "none")
      r.error(Reader::at(*gt, "revoked_resume"), join(gp, "revoked_resume"),
              "revoked_resume judges a client that resumes its session, but this phase does not "
              "resume sessions",
              "set resumption = \"psk\", \"ticket\" or \"session_id\" in this [[load]], or "
              "remove the gate");
  }
}

bool known_identity(const Scenario& s, const std::string& name) {
  return sends_no_certificate(name) || s.find_identity(name) != nullptr;
}

void unknown_identity(Reader& r, SourceRef at, const std::string& key_path, const std::string& name,
                      const Scenario& s) {
  std::vector<std::string> known{"none"};
  for (const auto& i : s.identities) known.push_back(i.name);
  std::string guess = did_you_mean(name, known);
  r.error(at, key_path, fmt::format("no identity named '{}'", name),
          guess.empty() ? "defined identities: " + join_names(known) : guess);
}

void read_identities(Reader& r, const toml::table& t, const std::string& path, const Scenario& s,
                     LoadPhase& p) {
  if (t.contains("identity") && t.contains("mix"))
    r.error(Reader::at(t, "mix"), join(path, "mix"), "both identity and mix are set",
            "use identity = \"name\" for one identity, or mix = { a = 9, b = 1 } for several");
  if (auto v = r.string(t, "identity", path)) {
    if (!known_identity(s, *v)) unknown_identity(r, Reader::at(t, "identity"), join(path, "identity"), *v, s);
    p.identities = {{*v, 1.0}};
  }
  if (const toml::table* mix = r.table(t, "mix", path)) {
    for (auto&& [k, v] : *mix) {
      std::string name(k.str());
      std::string kp = join(join(path, "mix"), name);
      if (!known_identity(s, name)) unknown_identity(r, where_of(k), kp, name, s);
      double w = 0;
      if (const auto* i = v.as_integer()) w = static_cast<double>(i->get());
      else if (const auto* f = v.as_floating_point()) w = f->get();
      if (!(w > 0))
        r.error(where_of(v), kp, "a weight must be a positive number",
                "weights are relative: mix = { valid = 9, expired = 1 } sends 10 % expired");
      p.identities.push_back({name, w});
    }
    if (mix->empty())
      r.error(where_of(*mix), join(path, "mix"), "mix lists no identity",
              "mix = { valid = 9, expired = 1 }");
  }
  if (p.identities.empty()) {
    // Default: the first identity a correct gateway accepts.
    auto it = std::find_if(s.identities.begin(), s.identities.end(),
                           [](const Identity& i) { return i.fault == Fault::none; });
    p.identities = {{it != s.identities.end() ? it->name : "none", 1.0}};
  }
}

// A phase without gates must not end green over failed connections: it gets error_rate_max
// = 0, marked implicit. Error rate counts unexpected errors only (a refusal the gateway owes
// a faulty identity of the mix is not one), so this holds for mixes too.
void imply_error_gate(LoadPhase& p) {
  const Gates& g = p.gates;
  const bool any_gate = g.handshake_p99_ms || g.error_rate_max || g.handshakes_per_s_min ||
                        g.resumed_ratio_min || g.client_cpu_us_per_handshake_max ||
                        g.target_cpu_us_per_handshake_max || g.revoked_resume;
  if (any_gate) return;
  p.gates.error_rate_max = 0;
  p.gates.implicit_error_rate = true;
}

void read_shape(Reader& r, const toml::table& t, const std::string& path, const Limits& lim,
                bool raised, LoadPhase& p) {
  const std::string_view hint =
      raised ? "" : "this is a safety ceiling; set raise_limits = true in this [[load]] to go past it";
  if (auto v = r.number(t, "connections", path, 1, lim.connections, hint)) p.connections = static_cast<int>(*v);
  if (auto v = r.number(t, "rate", path, 0.1, lim.rate, hint)) p.rate = *v;
  const bool closed = t.contains("connections"), open = t.contains("rate");
  if (closed == open)
    r.error(where_of(t), path,
            closed ? "both connections (closed loop) and rate (open loop) are set"
                   : "a phase needs connections (closed loop) or rate (open loop)",
            "set exactly one: connections = 50, or rate = 500 (new connections per second)");
  if (auto v = r.number(t, "duration_s", path, 0.1, lim.duration_s, hint)) p.duration_s = *v;
  if (auto v = r.number(t, "ramp_up_s", path, 0, lim.duration_s)) p.ramp_up_s = *v;
  if (auto v = r.number(t, "warmup_s", path, 0, lim.duration_s)) p.warmup_s = *v;
  if (auto v = r.number(t, "drain_s", path, 0, 3600)) p.drain_s = *v;
  if (p.ramp_up_s + p.warmup_s >= p.duration_s && (t.contains("ramp_up_s") || t.contains("warmup_s")))
    r.error(Reader::at(t, t.contains("warmup_s") ? "warmup_s" : "ramp_up_s"), path,
            fmt::format("ramp-up ({} s) and warm-up ({} s) leave nothing of duration_s ({} s) to measure",
                        p.ramp_up_s, p.warmup_s, p.duration_s),
            "make duration_s longer than ramp_up_s + warmup_s");
  if (auto v = r.number(t, "max_connections_total", path, 1, lim.total, hint))
    p.max_connections_total = static_cast<std::int64_t>(*v);
  if (auto v = r.integer(t, "requests_per_connection", path, 1, 1'000'000)) p.requests_per_connection = *v;
  if (auto v = r.integer(t, "threads", path, 0, 256)) p.threads = *v;
}

void read_resumption(Reader& r, const toml::table& t, const std::string& path, const Target& target,
                     LoadPhase& p) {
  p.tls_version = target.tls_versions.back();
  if (auto v = r.choice<TlsVersion>(t, "tls_version", path)) {
    p.tls_version = *v;
    if (std::find(target.tls_versions.begin(), target.tls_versions.end(), *v) == target.tls_versions.end())
      r.error(Reader::at(t, "tls_version"), join(path, "tls_version"),
              fmt::format("TLS {} is not among the target's tls_versions", to_string(*v)),
              "add it to [target].tls_versions or pick another");
  }
  if (auto v = r.choice<Resumption>(t, "resumption", path)) {
    p.resumption = *v;
    const bool tls13 = p.tls_version == TlsVersion::tls1_3;
    if (*v == Resumption::psk && !tls13)
      r.error(Reader::at(t, "resumption"), join(path, "resumption"),
              "psk resumption is TLS 1.3's; this phase runs TLS 1.2",
              "use resumption = \"ticket\" or \"session-id\" with TLS 1.2, or tls_version = \"1.3\"");
    if ((*v == Resumption::session_id || *v == Resumption::ticket) && tls13)
      r.error(Reader::at(t, "resumption"), join(path, "resumption"),
              fmt::format("{} resumption is TLS 1.2's; this phase runs TLS 1.3", to_string(*v)),
              "use resumption = \"psk\" with TLS 1.3, or tls_version = \"1.2\"");
  }
  if (auto v = r.number(t, "resumed_share", path, 0, 1)) p.resumed_share = *v;
}

void read(Reader& r, const toml::table& root, Scenario& s) {
  if (!root.contains("load")) return;
  std::map<std::string, int> seen;
  auto tables = r.tables(root, "load");
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (!tables[i]) continue;
    const toml::table& t = *tables[i];
    std::string path = indexed("load", i);
    LoadPhase p;
    p.where = where_of(t);
    r.check_keys(t, path, "[[load]]", kKeys);
    bool raise = r.boolean(t, "raise_limits", path).value_or(false);
    const Limits& lim = raise ? kRaisedLimits : kDefaultLimits;
    p.name = r.string(t, "name", path).value_or(fmt::format("phase-{}", i + 1));
    if (auto [it, fresh] = seen.emplace(p.name, p.where.line); !fresh)
      r.error(Reader::at(t, "name"), join(path, "name"), fmt::format("phase '{}' is defined twice", p.name),
              fmt::format("first defined at line {}; phase names must be unique", it->second));
    read_shape(r, t, path, lim, raise, p);
    read_identities(r, t, path, s, p);
    read_resumption(r, t, path, s.target, p);
    if (auto v = r.string(t, "path", path)) {
      if (!v->starts_with('/'))
        r.error(Reader::at(t, "path"), join(path, "path"), fmt::format("'{}' is not an absolute request path", *v),
                fmt::format("start it with '/', e.g. \"/{}\"", *v));
      p.path = *v;
    }
    read_gates(r, t, path, p.gates);
    imply_error_gate(p);
    s.load.push_back(std::move(p));
  }
}

}  // namespace

extern const Section kLoadSection = {"load", true, kKeys, read};

}  // namespace mtls::scenario::detail
