// run_phase: plans the phase, starts the worker threads on a common start time, samples CPU
// at the edges of the measured window, shows progress, and merges what the workers measured.
#include "load/engine.hpp"

#include <exception>
#include <stdexcept>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "interpose/self_check.hpp"
#include "load/plan.hpp"
#include "load/progress.hpp"
#include "load/worker.hpp"
#include "measure/cpu.hpp"
#include "report/model/gates.hpp"

namespace mtls::load {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(100);
constexpr auto kStartDelay = std::chrono::milliseconds(20);  // all workers armed by then

// A cache the phase asks for but libssl does not reach would leave the figures describing a
// client other than the one the report names: refuse the phase instead.
void require_caches_reached(const PhaseOptions& opts) {
  if (!opts.cache_peer_certificates && !opts.cache_fetched_methods) return;
  const auto& reach = interpose::self_check();
  if ((opts.cache_peer_certificates && !reach.peer_certificates) ||
      (opts.cache_fetched_methods && !reach.fetched_methods))
    throw std::runtime_error("the load engine's OpenSSL caches are not in effect: " + reach.problem);
}

// The target's CPU counter at one instant, as configured in PhaseOptions.
struct TargetCpu {
  const PhaseOptions& opts;
  std::optional<double> read() const {
    if (opts.target_pid > 0) return measure::process_tree_cpu_us(opts.target_pid);
    if (opts.target_in_process) return measure::process_cpu_us();
    return std::nullopt;
  }
  std::string source() const {
    if (opts.target_pid > 0) return fmt::format("pid {} (+ children)", opts.target_pid);
    if (opts.target_in_process) return "in-process (process CPU minus load worker threads)";
    return "unknown";
  }
};

class Threads {
 public:
  Threads(Plan& plan, const std::atomic<bool>& stop)
      : live_(std::make_unique<LiveCounters[]>(plan.per_thread.size())) {
    for (std::size_t i = 0; i < plan.per_thread.size(); ++i)
      workers_.push_back(std::make_unique<Worker>(plan, plan.per_thread[i], live_[i], stop));
    errors_.resize(workers_.size());
  }
  ~Threads() { join(); }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;

  // Starts the threads; each builds its TLS contexts, then waits for go().
  void launch() {
    for (std::size_t i = 0; i < workers_.size(); ++i)
      threads_.emplace_back([this, i] {
        try {
          workers_[i]->prepare();
        } catch (...) {
          errors_[i] = std::current_exception();
        }
        ready_.fetch_add(1, std::memory_order_release);
        while (!go_.load(std::memory_order_acquire)) std::this_thread::sleep_for(std::chrono::microseconds(200));
        if (!errors_[i] && !abandon_) workers_[i]->run();
        live_[i].done.store(true, std::memory_order_release);
      });
    while (ready_.load(std::memory_order_acquire) < static_cast<int>(workers_.size()))
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (auto& e : errors_)
      if (e) {
        abandon_ = true;
        go();
        join();
        std::rethrow_exception(e);
      }
  }
  void go() { go_.store(true, std::memory_order_release); }
  void join() {
    if (!go_) {
      abandon_ = true;
      go();
    }
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  bool all_done() const {
    for (std::size_t i = 0; i < workers_.size(); ++i)
      if (!live_[i].done.load(std::memory_order_acquire)) return false;
    return true;
  }
  Progress progress() const {
    Progress p;
    std::uint64_t hs = 0, resumed = 0;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      const auto& l = live_[i];
      p.connections += l.connections.load(std::memory_order_relaxed);
      p.errors += l.errors.load(std::memory_order_relaxed);
      p.open += l.open.load(std::memory_order_relaxed);
      hs += l.handshakes.load(std::memory_order_relaxed);
      resumed += l.resumed.load(std::memory_order_relaxed);
      p.p99_ms = std::max(p.p99_ms, static_cast<double>(l.p99_ns.load(std::memory_order_relaxed)) / 1e6);
      p.warmup = p.warmup || l.warmup.load(std::memory_order_relaxed);
    }
    p.handshakes_per_s = static_cast<double>(hs);  // a total here; made a rate by the caller
    p.resumed_share = hs ? static_cast<double>(resumed) / static_cast<double>(hs) : 0;
    return p;
  }
  std::vector<std::unique_ptr<Worker>>& workers() { return workers_; }

 private:
  std::unique_ptr<LiveCounters[]> live_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::exception_ptr> errors_;
  std::vector<std::thread> threads_;
  std::atomic<int> ready_{0};
  std::atomic<bool> go_{false};
  std::atomic<bool> abandon_{false};
};

void finish_cpu(PhaseResult& r, std::optional<double> target_before,
                std::optional<double> target_after, bool in_process) {
  if (target_before && target_after) {
    double t = *target_after - *target_before;
    if (in_process) t -= r.cpu.client_us;
    r.cpu.target_us = std::max(0.0, t);
  }
  const auto attempts = r.counts.handshake_attempts();
  if (attempts > 0) {
    r.cpu.client_us_per_handshake = r.cpu.client_us / static_cast<double>(attempts);
    if (r.cpu.target_us) r.cpu.target_us_per_handshake = *r.cpu.target_us / static_cast<double>(attempts);
  }
}

}  // namespace

PhaseResult run_phase(const scenario::LoadPhase& phase, const scenario::Scenario& s,
                      const pki::Fixtures& f, const target::Endpoint& ep,
                      const PhaseOptions& opts) {
  require_caches_reached(opts);
  Plan plan = make_plan(phase, s, f, ep, opts);
  std::atomic<bool> stop_workers{false};
  Threads threads(plan, stop_workers);
  threads.launch();  // TLS contexts are built before the clock starts

  plan.t0 = Clock::now() + kStartDelay;
  plan.measured_from = plan.t0 + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(phase.warmup_s));
  plan.end = plan.measured_from + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(phase.duration_s));
  plan.drain_end = plan.end + plan.drain;
  threads.go();
  const auto wall_measured_from =
      std::chrono::system_clock::now() +
      std::chrono::duration_cast<std::chrono::system_clock::duration>(plan.measured_from - Clock::now());

  const TargetCpu target{opts};
  std::optional<double> target_before, target_after;
  bool sampled_start = false;
  std::optional<ProgressPrinter> printer;
  if (!opts.on_progress && opts.progress_to_stderr) printer.emplace(phase.name);
  PhaseResult r;
  bool stopped = false;
  std::uint64_t last_hs = 0;
  auto last_at = Clock::now();
  while (!threads.all_done()) {
    // Wake exactly at the start of the measured window once, to take the CPU baseline there.
    // ... and at its end, where the window's CPU ends.
    auto wake = Clock::now() + kPoll;
    if (!sampled_start) wake = std::min(wake, plan.measured_from);
    else if (!target_after) wake = std::min(wake, plan.end);
    std::this_thread::sleep_until(wake);
    const auto now = Clock::now();
    if (!sampled_start && now >= plan.measured_from) {
      sampled_start = true;
      target_before = target.read();
      continue;
    }
    if (sampled_start && !target_after && now >= plan.end) target_after = target.read();
    if (opts.stop && opts.stop->load() && !stopped) {
      stopped = true;
      stop_workers.store(true);
    }
    Progress p = threads.progress();
    const auto hs = static_cast<std::uint64_t>(p.handshakes_per_s);
    const double dt = std::chrono::duration<double>(now - last_at).count();
    p.handshakes_per_s = dt > 0 ? static_cast<double>(hs - last_hs) / dt : 0;
    last_hs = hs;
    last_at = now;
    p.elapsed_s = std::chrono::duration<double>(now - plan.t0).count();
    if (static_cast<long>(p.open) > r.peak_open_connections) {
      r.peak_open_connections = static_cast<long>(p.open);
      r.rss_bytes_at_peak = measure::resident_bytes();
    }
    if (opts.on_progress) opts.on_progress(p);
    if (printer) printer->update(p);
  }
  threads.join();
  const auto ended = Clock::now();
  if (!sampled_start) target_before = target.read();
  if (!target_after) target_after = target.read();
  if (printer) printer->finish();

  r.name = phase.name;
  r.client = ClientRecord{opts.cache_server_verification, opts.cache_peer_certificates,
                          opts.cache_fetched_methods};
  r.mode = plan.open_loop ? "open" : "closed";
  r.phase = phase;
  r.threads = plan.threads;
  r.measured_from_unix_s =
      std::chrono::duration<double>(wall_measured_from.time_since_epoch()).count();
  r.partial = stopped;
  r.stop_reason = stopped ? "stopped" : "duration";
  for (const auto& id : plan.identities) {
    IdentityOutcome o;
    o.name = id.name;
    o.must_refuse = id.must_refuse;
    o.expect = id.expect;
    r.identities.push_back(std::move(o));
  }
  Clock::time_point last_window_end = plan.measured_from, last_end = plan.measured_from;
  for (auto& w : threads.workers()) {
    w->stats().merge_into(r);
    w->drain_stats().merge_into(r.drain);
    last_window_end = std::max(last_window_end, w->last_window_end());
    last_end = std::max(last_end, w->last_end());
    if (!stopped && w->stop_reason() == "max_connections_total") r.stop_reason = w->stop_reason();
  }
  const auto window_end =
      r.stop_reason == "duration" ? plan.end : std::min(plan.end, last_window_end);
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  r.measured_s = std::max(1e-3, seconds(window_end - plan.measured_from));
  r.drain.limit_s = seconds(plan.drain);
  r.drain.seconds = last_end > plan.end ? seconds(last_end - plan.end) : 0;
  r.phase_s = seconds(ended - plan.t0);
  r.cpu.target_source = target.source();
  finish_cpu(r, target_before, target_after, opts.target_in_process && opts.target_pid <= 0);
  r.gates = report::evaluate_gates(phase.gates, r);
  return r;
}

}  // namespace mtls::load
