#include "measure/events.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

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

void EventLog::close(double t_s) {
  if (!failing_) return;
  failing_ = false;
  add({t_s, "not_recovered", {}, errors_});
  errors_ = 0;
  seen_.clear();
}

std::string describe(const Episode& e) {
  char span[64];
  std::snprintf(span, sizeof span, "t=%.2f\u2013%.2f s", e.from_s, e.to_s);
  std::string classes;
  for (const auto& c : e.classes) classes += (classes.empty() ? "" : ", ") + c;
  return std::string(span) + ": " + std::to_string(e.errors) + " errors (" + classes + "), " +
         (e.recovered ? "recovered" : "not recovered by the window's end");
}

std::vector<Episode> EventLog::episodes() const {
  std::vector<Episode> out;
  int failing = 0;  // threads in a failing stretch: events are merged from every thread
  for (const auto& e : events_) {
    if (e.what == "errors_begin") {
      if (failing++ == 0) out.push_back({e.t_s, e.t_s, 0, {}, true});
      out.back().classes.insert(e.error);
    } else if (e.what == "new_error" && !out.empty()) {
      out.back().classes.insert(e.error);
    } else if ((e.what == "recovered" || e.what == "not_recovered") && !out.empty()) {
      auto& ep = out.back();
      ep.errors += e.errors;
      ep.to_s = std::max(ep.to_s, e.t_s);
      if (e.what == "not_recovered") ep.recovered = false;
      if (failing > 0) --failing;
    }
  }
  return out;
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
    if (e.what == "recovered" || e.what == "not_recovered") j["errors"] = e.errors;
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
