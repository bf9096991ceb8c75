#include "measure/events.hpp"

#include <algorithm>
#include <cmath>

namespace mtls::measure {

void EventLog::add(Event e) {
  if (events_.size() >= kMaxEvents) {
    ++dropped_;
    return;
  }
  events_.push_back(std::move(e));
}

void EventLog::ok(double t_s) {
  if (!failing_) return;
  failing_ = false;
  add({t_s, "recovered", {}, errors_});
  errors_ = 0;
  seen_.clear();
}

void EventLog::failed(double t_s, const std::string& key) {
  ++errors_;
  if (!failing_) {
    failing_ = true;
    seen_.insert(key);
    return add({t_s, "errors_begin", key, 0});
  }
  if (seen_.insert(key).second) add({t_s, "new_error", key, 0});
}

void EventLog::merge(const EventLog& o, double offset_s) {
  for (auto e : o.events_) {
    e.t_s += offset_s;
    add(std::move(e));
  }
  dropped_ += o.dropped_;
  std::stable_sort(events_.begin(), events_.end(),
                   [](const Event& a, const Event& b) { return a.t_s < b.t_s; });
}

nlohmann::json EventLog::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : events_) {
    nlohmann::json j = {{"t_s", std::round(e.t_s * 1000) / 1000}, {"event", e.what}};
    if (!e.error.empty()) j["error"] = e.error;
    if (e.what == "recovered") j["errors"] = e.errors;
    out.push_back(std::move(j));
  }
  if (dropped_ > 0) out.push_back({{"event", "events_dropped"}, {"count", dropped_}});
  return out;
}

EventLog EventLog::from_json(const nlohmann::json& events) {
  EventLog log;
  for (const auto& j : events) {
    const auto what = j.at("event").get<std::string>();
    if (what == "events_dropped") {
      log.dropped_ += j.at("count").get<std::uint64_t>();
      continue;
    }
    log.add({j.at("t_s").get<double>(), what, j.value("error", ""), j.value("errors", std::uint64_t{0})});
  }
  return log;
}

}  // namespace mtls::measure
