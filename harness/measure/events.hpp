// When a phase changed state, not just how often it failed: the moment errors began (and
// each new error class during that stretch), and the moment connections succeeded again.
// Fed with every connection ending, in time order, by one worker thread; merging puts the
// threads' events in time order (with several threads each one reports its own changes).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mtls::measure {

struct Event {
  double t_s = 0;             // since the start of the measured window
  // "errors_begin", "new_error", "recovered", or "not_recovered" (the window ended while
  // failing)
  std::string what;
  std::string error;          // the error key (errors_begin, new_error)
  std::uint64_t errors = 0;   // recovered, not_recovered: failed connections since errors began
};

// A stretch of time with errors, over every thread: from the first errors_begin while no
// thread was failing to the moment the last of them recovered (or the window ended).
struct Episode {
  double from_s = 0, to_s = 0;
  std::uint64_t errors = 0;
  std::set<std::string> classes;
  bool recovered = true;
};

// "t=0.90–2.20 s: 5206 errors (connect:refused), recovered"
std::string describe(const Episode& e);

class EventLog {
 public:
  void ok(double t_s);
  void failed(double t_s, const std::string& key);
  // The window ends at t_s: a failing stretch still open is closed as not_recovered.
  void close(double t_s);
  // Adds o's events, their times shifted by offset_s (another shard whose measured window
  // began offset_s seconds later).
  void merge(const EventLog& o, double offset_s = 0);
  const std::vector<Event>& events() const { return events_; }
  std::vector<Episode> episodes() const;
  std::uint64_t dropped() const { return dropped_; }

  // [{"t_s":1.204,"event":"errors_begin","error":"connect:refused"},
  //  {"t_s":2.310,"event":"recovered","errors":812}]
  nlohmann::json to_json() const;
  // The inverse of to_json (times as written: to the millisecond).
  static EventLog from_json(const nlohmann::json& events);

 private:
  void add(Event e);

  static constexpr std::size_t kMaxEvents = 1000;  // a flapping target cannot grow it further
  bool failing_ = false;
  std::uint64_t errors_ = 0;
  std::set<std::string> seen_;  // error keys of the current failing stretch
  std::vector<Event> events_;
  std::uint64_t dropped_ = 0;
};

}  // namespace mtls::measure
