// One load worker thread: its own io_context, TLS contexts, saved sessions and statistics;
// it schedules connections (closed loop: slots that reconnect when done; open loop: arrivals
// at fixed intervals) and sweeps them for timeouts and the end of the phase.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "load/client_tls.hpp"
#include "load/plan.hpp"
#include "load/session_pool.hpp"
#include "load/worker_stats.hpp"

namespace mtls::load {

class Conn;

class Worker {
 public:
  Worker(const Plan& plan, const ThreadPlan& tp, LiveCounters& live,
         const std::atomic<bool>& stop);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Builds the TLS contexts (throws like ClientTls); call in the worker thread.
  void prepare();
  // Runs the phase; returns when every connection has ended.
  void run();
  WorkerStats& stats() { return stats_; }              // the measured window
  WorkerStats& drain_stats() { return drain_sink_; }   // after it
  std::string stop_reason() const { return stop_reason_; }
  Clock::time_point last_window_end() const { return last_window_end_; }
  Clock::time_point last_end() const { return last_end_; }

  // ---- used by Conn ----
  const Plan& plan() const { return plan_; }
  boost::asio::io_context& io() { return io_; }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }
  SSL_CTX* context(std::size_t identity) const { return tls_->context(identity); }
  // Where an event of a connection is counted: warm-up, the window, or the drain after it.
  // The clock decides, not the window timer: a loop that is behind may still be handling
  // events stamped after the window's end when the timer's turn comes.
  WorkerStats& sink(bool measured) {
    if (!measured) return warmup_sink_;
    if (!draining_ && Clock::now() >= plan_.end) enter_drain();
    return draining_ ? drain_sink_ : stats_;
  }
  SessionPool& sessions(std::size_t identity) { return sessions_[identity]; }
  std::string& known_dn(std::size_t identity) { return known_dn_[identity]; }
  char* scratch() { return scratch_.data(); }
  std::size_t scratch_size() const { return scratch_.size(); }
  double random();  // uniform [0, 1)
  std::size_t pick_identity();
  void conn_ended(Conn& c, bool held);
  // Stopping, and the last moment connections may end (drain or stop grace) is behind us.
  bool past_hard_stop() const { return stopping_ && Clock::now() >= hard_stop_; }
  void live_handshake(bool resumed);

 private:
  bool may_start(Clock::time_point now) const;
  void start_conn(Conn* c, Clock::time_point intended);
  Conn* free_conn();
  void arm(boost::asio::steady_timer& t, Clock::time_point when, void (Worker::*fn)());
  void start_slots();    // closed loop: the ramp
  void pump_arrivals();  // open loop
  void tick();           // timeouts, phase end, live counters
  void enter_drain();    // the window's end
  void begin_stop(const std::string& reason, Clock::duration grace);
  void count_missed_arrivals(Clock::time_point until);
  void publish_second(Clock::time_point now);

  const Plan& plan_;
  ThreadPlan tp_;
  LiveCounters& live_;
  const std::atomic<bool>& stop_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::endpoint endpoint_;
  std::unique_ptr<ClientTls> tls_;
  std::vector<SessionPool> sessions_;
  std::vector<std::string> known_dn_;
  std::vector<char> scratch_;
  WorkerStats stats_;
  WorkerStats warmup_sink_;  // connections started during warm-up measure into here
  WorkerStats drain_sink_;   // events of measured connections after the window's end
  bool draining_ = false;
  std::uint64_t rng_;

  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<Conn*> idle_;  // open loop: conns ready for the next arrival
  std::int64_t started_measured_ = 0;
  std::uint64_t in_flight_ = 0;
  std::uint64_t held_ = 0;
  std::uint64_t next_slot_ = 0;     // closed loop: slots started so far
  std::uint64_t next_arrival_ = 0;  // open loop: this thread's arrivals started so far
  bool arrival_armed_ = false;
  boost::asio::steady_timer ramp_timer_{io_};
  boost::asio::steady_timer arrival_timer_{io_};
  boost::asio::steady_timer tick_timer_{io_};
  boost::asio::steady_timer window_timer_{io_};
  bool stopping_ = false;
  Clock::time_point stopping_at_;
  Clock::time_point hard_stop_;
  std::string stop_reason_ = "duration";
  bool cpu_started_ = false;
  double cpu_start_us_ = 0;
  std::size_t seconds_published_ = 0;
  Clock::time_point last_window_end_;
  Clock::time_point last_end_;
};

}  // namespace mtls::load
