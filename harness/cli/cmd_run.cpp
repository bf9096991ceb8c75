// `mtls-harness run FILE`: fixture PKI -> target -> cases -> reports -> exit code.
#include <algorithm>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <fmt/core.h>
#include <fmt/format.h>
#include <iostream>
#include <optional>
#include <openssl/crypto.h>
#include <unistd.h>

#include "cases/profile.hpp"
#include "cases/revoked_resume.hpp"
#include "cases/runner.hpp"
#include "checks/checks.hpp"
#include "cli/commands.hpp"
#include "cli/load_or_exit.hpp"
#include "common/printable.hpp"
#include "cli/run_dirs.hpp"
#include "common/process.hpp"
#include "common/signals.hpp"
#include "common/version.hpp"
#include "load/engine.hpp"
#include "load/shard.hpp"
#include "pki/fixtures.hpp"
#include "pki/preflight.hpp"
#include "probe/probe.hpp"
#include "report/report.hpp"
#include "scenario/names.hpp"
#include "scenario/overrides.hpp"
#include "target/gateway_log.hpp"
#include "target/loopback_backend.hpp"
#include "target/own_config.hpp"
#include "target/target.hpp"
#include "userconf/where.hpp"
#include "report/model/gates.hpp"

namespace mtls::cli {
namespace {

struct RunArgs {
  std::string file;
  std::string fixtures = "fixtures";
  std::string reports = "reports";
  // --target, --tls, --case, and a quick smoke run of a long scenario without editing it:
  // --phase, --duration, --connections, --rate.
  scenario::Overrides overrides;
  bool no_color = false;
  bool skip_load = false;
  bool skip_cases = false;
  bool stock_openssl = false;        // load client without the engine's caches
  std::string shard;                 // "i/N": run 1/N of each load phase
  std::string shard_cases = "first"; // first: cases on shard 0 only; all: on every shard
  load::ShardSpec spec;              // parsed from `shard`
};

void progress(const cases::CaseResult& r, std::size_t done, std::size_t total, bool tty) {
  if (!tty) return;
  std::cerr << fmt::format("\r\033[K[{}/{}] {} TLS {}: {}", done, total, common::printable(r.case_name),
                           scenario::to_string(r.version), cases::words(r.verdict.status))
            << std::flush;
}

std::vector<load::PhaseResult> run_load(const scenario::Scenario& s, const pki::Fixtures& f,
                                         target::RunningTarget& tgt,
                                         const std::atomic<bool>& stop, load::ShardSpec spec,
                                         bool sharded, bool stock_openssl) {
  std::vector<load::PhaseResult> out;
  for (const auto& whole : s.load) {
    if (stop.load()) break;
    const auto sp = load::shard_phase(whole, spec);
    const auto& phase = sp.phase;
    const auto share = load::share_of(sp, spec);
    if (!sp.runs) {
      std::cerr << sp.note << "\n";
      out.push_back(load::not_run(whole, share));
      continue;
    }
    load::PhaseOptions o;
    o.target_pid = tgt.pid();
    o.target_in_process = s.target.kind == scenario::TargetKind::embedded;
    o.stop = &stop;
    if (stock_openssl) o.use_stock_openssl();
    std::cerr << fmt::format("load phase '{}': {} for {} s\n", phase.name,
                             phase.rate > 0 ? fmt::format("{} connections/s", phase.rate)
                                            : fmt::format("{} connections", phase.connections),
                             phase.duration_s);
    out.push_back(load::run_phase(phase, s, f, tgt.endpoint(), o));
    if (sharded) {
      // The report shows the phase as the scenario wrote it; `shard` says what ran here.
      out.back().phase = whole;
      out.back().shard = share;
    }
    // A short question answered with the phase's own settings: does a client revoked after
    // its session began still get in by resuming it?
    if (!stop.load() && phase.resumption != scenario::Resumption::none) {
      auto& result = out.back();
      try {
        result.revoked_resume = cases::check_revoked_resume(phase, s, f, tgt);
      } catch (const std::exception& e) {
        // Nothing to revoke with (a brought identity whose CA's CRL the harness does not
        // hold): the check is skipped with the reason; the run goes on.
        load::RevokedResumeCheck skipped;
        skipped.detail = std::string("the harness cannot revoke a client here: ") + e.what();
        result.revoked_resume = skipped;
      }
      const auto& c = *result.revoked_resume;
      std::cerr << fmt::format("load phase '{}': revoked client resuming its session: {}: {}\n",
                               phase.name, c.outcome, c.detail);
      // revoked_resume is a gate on this answer: judge the gates again with it.
      result.gates = report::evaluate_gates(phase.gates, result);
    }
  }
  return out;
}

// An external gateway checks the CRL it was given, not ours: a revoked case against the
// user's CA means something only once the gateway loads the CRL the harness signed.
void say_which_crl(const scenario::Scenario& s, const pki::Fixtures& f) {
  if (s.target.kind != scenario::TargetKind::external || !s.pki.user_ca.given()) return;
  const bool any_revoked = std::any_of(s.identities.begin(), s.identities.end(), [](const auto& i) {
    return i.generated() && i.fault == scenario::Fault::revoked;
  });
  if (!any_revoked) return;
  std::cerr << fmt::format(
      "note: revoked identities were signed by your CA {}; the gateway refuses them only if it "
      "loads the CRL the harness signed with that CA: {} (nginx ssl_crl, HAProxy crl-file, "
      "Apache SSLCARevocationFile)\n",
      s.pki.user_ca.ca_cert.string(), f.crl_bundle.string());
}

int run(const RunArgs& a) {
  const auto& stop = common::install_stop_handlers();
  auto loaded = load_or_report(a.file);
  if (!loaded) return kBadInput;
  auto s = *loaded;
  if (const auto problem = scenario::apply(a.overrides, s)) {
    std::cerr << *problem << "\n";
    return kBadInput;
  }
  try {
    target::adopt_own_config(s);
  } catch (const userconf::ConfigError& e) {
    std::cerr << "mtls-harness: [target] config: " << e.what() << "\n";
    return kBadInput;
  }

  report::Report rep;
  auto& m = rep.meta;
  m.harness_version = common::harness_version();
  m.openssl_version = OpenSSL_version(OPENSSL_VERSION);
  m.curl_version = probe::curl_version();
  m.scenario_name = s.name;
  m.scenario_file = a.file;
  m.scenario_sha256 = report::sha256_file_hex(a.file);
  m.target_kind = scenario::to_string(s.target.kind);
  m.profile = s.target.profile;
  m.started_at = report::now_iso8601();
  const auto t0 = std::chrono::steady_clock::now();

  pki::Options popts;
  popts.fixtures_root = a.fixtures;
  auto fixtures = pki::materialize(s, popts);
  if (!pki::preflight_or_report(fixtures, std::cerr)) return kBadInput;
  say_which_crl(s, fixtures);
  if (s.target.kind == scenario::TargetKind::external && s.target.ca_file.empty())
    s.target.ca_file = fixtures.server_trust;
  const bool sharded = !a.shard.empty();
  if (sharded) {
    m.shard_index = a.spec.index;
    m.shard_count = a.spec.count;
  }
  const bool run_cases_here = !a.skip_cases && (!sharded || a.spec.index == 0 || a.shard_cases == "all");
  // Shards of one run, side by side on one machine, must not write over each other.
  const auto report_dir = sharded ? std::filesystem::path(a.reports) / s.name /
                                        fmt::format("shard-{}-of-{}", a.spec.index, a.spec.count)
                                  : std::filesystem::path(a.reports) / s.name;

  RunDirs dirs;
  try {
    dirs = claim_report_dir(report_dir);
  } catch (const common::LockBusy& e) {
    std::cerr << "mtls-harness: " << e.what() << "\n";
    return kBadInput;
  }

  std::unique_ptr<target::RunningTarget> tgt;
  try {
    target::StartOptions topts;
    topts.runtime_dir = dirs.runtime;
    tgt = target::start(s, fixtures, topts);
  } catch (const userconf::ConfigError& e) {
    std::cerr << "mtls-harness: [target] config: " << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "mtls-harness: target could not be started: " << e.what() << "\n";
    return kTargetUnavailable;
  }
  m.target = tgt->describe();
  if (const auto* rewrite = tgt->config_rewrite()) {
    // The rewrite is shown, not hidden: what the gateway runs differs from the file here.
    std::cerr << fmt::format("{}: {} directive(s) rewritten for a loopback run (rendered: {})\n",
                             rewrite->source, rewrite->changes.size(), rewrite->rendered);
    for (const auto& c : rewrite->changes) std::cerr << "  " << c.text << "\n";
    for (const auto& l : rewrite->listeners)
      std::cerr << fmt::format("  listener {}{} → {}:{}{}\n", l.written_port, l.tls ? " (TLS)" : "",
                               tgt->endpoint().host, l.port, l.cases ? "  ← cases and load go here" : "");
    m.target_config = *rewrite;
  }

  const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::size_t total = 0, done = 0;
  for (const auto& c : s.cases) total += c.tls_versions.size();
  cases::RunOptions ropts;
  ropts.profile = s.target.profile;
  ropts.stop = &stop;
  ropts.on_result = [&](const cases::CaseResult& r) { progress(r, ++done, total, tty); };
  target::InternalErrorWatch gateway_log(*tgt, scenario::to_string(s.target.kind));
  ropts.internal_error_since_last_probe = [&] { return gateway_log.since_last_probe(); };
  // A launched gateway's log is read per case, for refusals_logged and the report.
  const bool own_log = s.target.kind != scenario::TargetKind::embedded && s.target.kind != scenario::TargetKind::external;
  if (own_log) {
    ropts.internal_error_since_last_refusal = [&] { return gateway_log.since_last_refusal(300); };
    ropts.probe_log_lines = [&] { return gateway_log.last_lines(report::kGatewayLogLines); };
  }
  if (const auto* backend = tgt->backend())
    ropts.backend_seen = [backend](const std::string& id) { return backend->seen(id); };
  if (run_cases_here) rep.cases = cases::run_cases(s, fixtures, tgt->endpoint(), ropts);
  if (run_cases_here && a.overrides.cases.empty() && !stop.load()) {
    checks::Context cctx{s, fixtures, tgt->endpoint(), own_log ? scenario::to_string(s.target.kind) : "",
                         ropts.backend_seen, &stop};
    for (const auto& c : checks::select(cctx))
      if (!c.runs && !c.asked && !c.quiet) std::cerr << fmt::format("check {}: not run: {}\n", c.name, c.why_not);
    auto rows = checks::run(cctx, rep.cases, [&](const cases::CaseResult& r) {
      ++done;
      progress(r, done, done, tty);
    });
    (void)gateway_log.since_last_probe();  // the checks' own probes are not a later case's
    for (auto& r : rows) rep.cases.push_back(std::move(r));
  }
  else if (!a.skip_cases && !s.cases.empty())
    std::cerr << fmt::format("shard {}/{}: the cases run on shard 0 (--shard-cases all runs them on every shard)\n",
                             a.spec.index, a.spec.count);
  if (tty) std::cerr << "\r\033[K";
  if (!a.skip_load) rep.phases = run_load(s, fixtures, *tgt, stop, a.spec, sharded, a.stock_openssl);

  pid_t tpid = tgt->pid();
  int tstatus = 0;
  // Only a process the harness started is its child to wait for; an external gateway's pid
  // (`[target] pid`) is someone else's.
  const bool launched = s.target.kind != scenario::TargetKind::external;
  if (launched && tpid > 0 && common::has_exited(tpid, &tstatus)) {
    m.partial = true;
    m.partial_reason = fmt::format("target process {} exited (status {}) during the run", tpid, tstatus);
  }
  if (stop.load()) {
    m.stop_signal = common::stop_signal();
    m.partial = true;
    m.partial_reason = fmt::format("stopped by signal {} after {} of {} probes and {} of {} load phases",
                                   common::stop_signal(), rep.cases.size(), total,
                                   rep.phases.size(), s.load.size());
  }
  for (const auto& p : rep.phases)
    if (p.partial && !m.partial) {
      m.partial = true;
      m.partial_reason = "load phase '" + p.name + "' stopped early: " + p.stop_reason;
    }
  m.target_log = tgt->log_since_start();
  tgt->stop();
  link_runtime_dir(dirs);
  m.finished_at = report::now_iso8601();
  m.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  // Colour only on a terminal, and never when asked not to (--no-color, or NO_COLOR set).
  const bool color = !a.no_color && std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
  report::print_table(rep, std::cout, color);
  try {
    for (const auto& p : report::write_all(rep, report_dir))
      std::cout << "wrote " << p.string() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "mtls-harness: cannot write the report: " << e.what() << "\n";
    return kExpectationFailed;
  }
  return rep.exit_code();
}

}  // namespace

void add_run(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "run", "Run every case of a scenario against its target; write reports; exit 0/1/2/3");
  auto a = std::make_shared<RunArgs>();
  cmd->add_option("FILE", a->file, "Scenario TOML file")->required();
  cmd->add_option("--fixtures", a->fixtures, "Root directory for generated fixtures")->capture_default_str();
  cmd->add_option("--reports", a->reports, "Root directory for reports (<root>/<scenario>/)")->capture_default_str();
  cmd->add_option("--target", a->overrides.target,
                  "Override [target].kind: embedded, nginx, haproxy, apache, caddy, external, or the "
                  "https:// URL of a running gateway");
  cmd->add_option("--tls", a->overrides.tls, "Only these TLS versions (1.2, 1.3)");
  cmd->add_option("--case", a->overrides.cases, "Only cases whose name matches this glob (repeatable)");
  cmd->add_option("--phase", a->overrides.phases,
                  "Only [[load]] phases whose name matches this glob (repeatable)");
  cmd->add_option("--duration", a->overrides.duration_s, "Run every selected load phase for this many seconds")
      ->check(CLI::Range(0.1, 600.0));
  cmd->add_option("--connections", a->overrides.connections,
                  "Run every selected load phase closed-loop with this many connections")
      ->check(CLI::Range(1, 20000));
  cmd->add_option("--rate", a->overrides.rate,
                  "Run every selected load phase open-loop at this many new connections per second")
      ->check(CLI::Range(0.1, 50000.0));
  cmd->add_flag("--no-color", a->no_color, "No colours even on a terminal (so does NO_COLOR=1)");
  cmd->add_flag("--skip-load", a->skip_load, "Run the cases only, not the [[load]] phases");
  cmd->add_flag("--skip-cases", a->skip_cases, "Run the [[load]] phases only");
  cmd->add_flag("--stock-openssl", a->stock_openssl,
                "Load phases with OpenSSL as shipped: none of the engine's caches (server "
                "verification, parsed certificates, fetched methods)");
  cmd->add_option("--shard", a->shard,
                  "Run shard INDEX/COUNT: 1/COUNT of each load phase (0 <= INDEX < COUNT <= 1024); "
                  "reports go to <reports>/<scenario>/shard-INDEX-of-COUNT/ for `merge`");
  cmd->add_option("--shard-cases", a->shard_cases,
                  "With --shard: run the cases on the first shard only, or on all")
      ->check(CLI::IsMember({"first", "all"}))
      ->capture_default_str();
  cmd->callback([a, &exit_code] {
    if (!a->shard.empty()) {
      std::string error;
      auto spec = load::parse_shard(a->shard, &error);
      if (!spec) {
        std::cerr << "mtls-harness run: " << error << "\n";
        exit_code = kBadInput;
        return;
      }
      a->spec = *spec;
    }
    exit_code = run(*a);
  });
}

}  // namespace mtls::cli
