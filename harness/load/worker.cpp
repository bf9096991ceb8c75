#include "load/worker.hpp"

#include <algorithm>

#include "interpose/cert_cache.hpp"
#include "load/connection.hpp"
#include "interpose/fetch_cache.hpp"
#include "measure/cpu.hpp"

namespace mtls::load {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr auto kStopGrace = std::chrono::milliseconds(250);  // after a stop request

}  // namespace

Worker::Worker(const Plan& plan, const ThreadPlan& tp, LiveCounters& live,
               const std::atomic<bool>& stop)
    : plan_(plan),
      tp_(tp),
      live_(live),
      stop_(stop),
      endpoint_(plan.address, static_cast<unsigned short>(plan.port)),
      scratch_(16 * 1024),
      rng_(0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(tp.index + 1)) {
  const bool single_use = plan.phase.resumption == scenario::Resumption::psk;
  for (std::size_t i = 0; i < plan.identities.size(); ++i) sessions_.emplace_back(single_use);
  known_dn_.resize(plan.identities.size());
  for (auto* st : {&stats_, &warmup_sink_, &drain_sink_}) st->identities.resize(plan.identities.size());
}

Worker::~Worker() = default;

void Worker::prepare() { tls_ = std::make_unique<ClientTls>(plan_); }

double Worker::random() {
  // xorshift64*: cheap, and per thread, so no shared state.
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  return static_cast<double>((rng_ * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
}

std::size_t Worker::pick_identity() {
  const auto& ids = plan_.identities;
  if (ids.size() == 1) return 0;
  const double x = random();
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (x < ids[i].cumulative) return i;
  return ids.size() - 1;
}

void Worker::live_handshake(bool resumed) {
  live_.handshakes.fetch_add(1, std::memory_order_relaxed);
  if (resumed) live_.resumed.fetch_add(1, std::memory_order_relaxed);
}

bool Worker::may_start(Clock::time_point now) const {
  if (stopping_ || now >= plan_.end) return false;
  return tp_.quota == 0 || started_measured_ < tp_.quota || now < plan_.measured_from;
}

void Worker::start_conn(Conn* c, Clock::time_point intended) {
  const bool measured = intended >= plan_.measured_from;
  if (measured)
    ++started_measured_;
  else
    ++warmup_sink_.counts.warmup_connections;
  ++in_flight_;
  live_.open.fetch_add(1, std::memory_order_relaxed);
  c->start(intended, measured);
}

Conn* Worker::free_conn() {
  if (!idle_.empty()) {
    Conn* c = idle_.back();
    idle_.pop_back();
    return c;
  }
  conns_.push_back(std::make_unique<Conn>(*this, -1));
  return conns_.back().get();
}

void Worker::arm(asio::steady_timer& t, Clock::time_point when, void (Worker::*fn)()) {
  t.expires_at(when);
  t.async_wait([this, fn](const error_code& ec) {
    if (!ec) (this->*fn)();
  });
}

void Worker::conn_ended(Conn& c, bool held) {
  --in_flight_;
  const auto now = Clock::now();
  last_end_ = now;
  if (!draining_) last_window_end_ = now;
  live_.connections.fetch_add(1, std::memory_order_relaxed);
  if (held) {
    ++held_;
  } else {
    live_.open.fetch_sub(1, std::memory_order_relaxed);
  }
  if (c.slot() >= 0) {
    // Closed loop: the slot reconnects at once (or, holding connections, stays put).
    if (!held && may_start(now)) start_conn(&c, now);
  } else {
    idle_.push_back(&c);
    pump_arrivals();
  }
  if (started_measured_ >= tp_.quota && tp_.quota > 0 && !stopping_)
    begin_stop("max_connections_total", plan_.opts.timeout);
}

void Worker::start_slots() {
  const auto now = Clock::now();
  const auto slots = static_cast<std::uint64_t>(tp_.slots);
  while (next_slot_ < slots) {
    const std::uint64_t g = next_slot_ * static_cast<std::uint64_t>(plan_.threads) +
                            static_cast<std::uint64_t>(tp_.index);
    const auto due = plan_.slot_start(g);
    if (due > now) return arm(ramp_timer_, due, &Worker::start_slots);
    auto& c = conns_.emplace_back(std::make_unique<Conn>(*this, static_cast<int>(next_slot_)));
    ++next_slot_;
    if (may_start(now)) start_conn(c.get(), now);
  }
}

void Worker::pump_arrivals() {
  if (!plan_.open_loop || stopping_) return;
  const auto now = Clock::now();
  const auto cap = static_cast<std::uint64_t>(std::max(1, plan_.opts.max_in_flight_per_thread));
  for (;;) {
    const std::uint64_t g = next_arrival_ * static_cast<std::uint64_t>(plan_.threads) +
                            static_cast<std::uint64_t>(tp_.index);
    const auto due = plan_.arrival_time(g);
    if (due >= plan_.end) return begin_stop("duration", plan_.opts.timeout);
    if (!may_start(due)) return begin_stop("max_connections_total", plan_.opts.timeout);
    if (due > now) {
      if (!arrival_armed_) {
        arrival_armed_ = true;
        arrival_timer_.expires_at(due);
        arrival_timer_.async_wait([this](const error_code& ec) {
          arrival_armed_ = false;
          if (!ec) pump_arrivals();
        });
      }
      return;
    }
    // Over the cap the arrival waits for a free connection; its latency still counts from
    // `due`, so the wait shows.
    if (in_flight_ >= cap) return;
    ++next_arrival_;
    start_conn(free_conn(), due);
  }
}

void Worker::count_missed_arrivals(Clock::time_point until) {
  if (!plan_.open_loop) return;
  for (;; ++next_arrival_) {
    const std::uint64_t g = next_arrival_ * static_cast<std::uint64_t>(plan_.threads) +
                            static_cast<std::uint64_t>(tp_.index);
    const auto due = plan_.arrival_time(g);
    if (due >= until || due >= plan_.end) return;
    if (tp_.quota > 0 && started_measured_ >= tp_.quota) return;
    ++started_measured_;
    // Due inside the window, so counted there even when noticed in the drain.
    ++(due >= plan_.measured_from ? stats_ : warmup_sink_).counts.arrivals_missed;
  }
}

void Worker::begin_stop(const std::string& reason, Clock::duration grace) {
  if (stopping_) return;
  stopping_ = true;
  stop_reason_ = reason;
  stopping_at_ = Clock::now();
  hard_stop_ = stopping_at_ + grace;
  count_missed_arrivals(std::min(stopping_at_, plan_.end));
  ramp_timer_.cancel();
  arrival_timer_.cancel();
  // Stopped before the window's end: the window closes with the last connection (engine).
  if (reason != "duration") window_timer_.cancel();
}

void Worker::publish_second(Clock::time_point now) {
  if (now < plan_.measured_from) return;
  const auto elapsed = std::chrono::duration<double>(now - plan_.measured_from).count();
  const auto completed = static_cast<std::size_t>(elapsed);  // seconds fully behind us
  const auto& secs = stats_.series.seconds();
  if (completed > seconds_published_ && completed <= secs.size()) {
    seconds_published_ = completed;
    live_.p99_ns.store(secs[completed - 1].latency.percentile(0.99), std::memory_order_relaxed);
  }
}

void Worker::tick() {
  const auto now = Clock::now();
  if (!cpu_started_ && now >= plan_.measured_from) {
    cpu_started_ = true;
    cpu_start_us_ = measure::thread_cpu_us();
    live_.warmup.store(false, std::memory_order_relaxed);
  }
  if (stop_.load(std::memory_order_relaxed)) begin_stop("stopped", kStopGrace);
  if (now >= plan_.end) enter_drain();
  const bool hard = stopping_ && now >= hard_stop_;
  for (auto& c : conns_) {
    if (c->active() && (hard ? now >= hard_stop_ : now > c->deadline()))
      c->interrupt(!hard);
    if (stopping_ && c->step() == Step::held) {
      c->release_held();
      --held_;
      live_.open.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  publish_second(now);
  live_.errors.store(stats_.counts.unexpected_errors, std::memory_order_relaxed);
  if (stopping_ && in_flight_ == 0 && held_ == 0) return;  // io_context runs dry: done
  arm(tick_timer_, now + kTick, &Worker::tick);
}

void Worker::enter_drain() {
  if (draining_) return;
  // Client CPU of the window ends here, as its counts do.
  if (cpu_started_) stats_.cpu_us = measure::thread_cpu_us() - cpu_start_us_;
  stats_.events.close(plan_.phase.duration_s);
  draining_ = true;
  begin_stop("duration", plan_.drain);
  hard_stop_ = std::min(hard_stop_, plan_.drain_end);
}

void Worker::run() {
  // Wait for the common start, then begin; everything after runs on io_.
  if (plan_.open_loop) {
    pump_arrivals();
  } else {
    arm(ramp_timer_, plan_.t0, &Worker::start_slots);
  }
  arm(tick_timer_, plan_.t0, &Worker::tick);
  arm(window_timer_, plan_.end, &Worker::enter_drain);
  interpose::CertCache certs;
  interpose::FetchCache methods;
  {
    // Installed for this thread while io_ runs, uninstalled however run() ends.
    struct Installed {
      Installed(interpose::CertCache* c, interpose::FetchCache* f) {
        interpose::use_cert_cache(c);
        interpose::use_fetch_cache(f);
      }
      ~Installed() {
        interpose::use_fetch_cache(nullptr);
        interpose::use_cert_cache(nullptr);
      }
    } installed(plan_.opts.cache_peer_certificates ? &certs : nullptr,
                plan_.opts.cache_fetched_methods ? &methods : nullptr);
    io_.run();
  }
  if (!cpu_started_) cpu_start_us_ = measure::thread_cpu_us();
  if (!draining_) {
    stats_.cpu_us = measure::thread_cpu_us() - cpu_start_us_;
    stats_.events.close(std::max(0.0, std::chrono::duration<double>(last_end_ - plan_.measured_from).count()));
  }
  live_.done.store(true, std::memory_order_release);
}

}  // namespace mtls::load
