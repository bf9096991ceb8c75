// When a phase changed state, not just how often it failed: the moment errors began (and
// each new error class during that stretch), and the moment connections succeeded again.
// Fed with every connection ending, in time order, by one worker thread; merging puts the
// threads' events in time order (with several threads each one reports its own changes).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mtls::measure {

struct Event {
  double t_s = 0;             // since the start of the measured window
  std::string what;           // "errors_begin", "new_error", "recovered"
  std::string error;          // the error key (errors_begin, new_error)
  std::uint64_t errors = 0;   // recovered: failed connections since errors began
};

class EventLog {
 public:
  void ok(double t_s);
  void failed(double t_s, const std::string& key);
  // Adds o's events, their times shifted by offset_s (another shard whose measured window
  // began offset_s seconds later).
  void merge(const EventLog& o, double offset_s = 0);
  const std::vector<Event>& events() const { return events_; }

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
