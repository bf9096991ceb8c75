// The charts of one load phase, from its histograms and per-second series.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "report/html/parts.hpp"
#include "report/html/svg_charts.hpp"

namespace mtls::report::html {
namespace {

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

struct Named {
  const char* name;
  const char* css;
  const measure::Histogram* hist;
  bool dashed;
};

// HDR-style curve: the latency at quantile q against log10(1/(1-q)), sampled evenly along
// that axis up to the last quantile the sample count supports (1 - 1/count).
LineSeries percentile_curve(const Named& h, int nines) {
  LineSeries s{h.name, h.css, {}, h.dashed};
  const double last = std::min<double>(nines, std::log10(static_cast<double>(h.hist->count())));
  constexpr double kStep = 0.025;
  for (double x = 0; x < last; x += kStep)
    s.points.push_back({x, ms(h.hist->percentile(1 - std::pow(10, -x)))});
  s.points.push_back({last, ms(h.hist->percentile(1 - std::pow(10, -last)))});
  return s;
}

}  // namespace

std::string percentile_chart(const PhaseResult& p, int n) {
  std::vector<Named> all = {{"full handshake", "s-full", &p.handshake_full, false},
                            {"resumed handshake", "s-resumed", &p.handshake_resumed, false},
                            {"connection total", "s-total", &p.total, true}};
  if (p.mode == "open")
    all.push_back({"total, uncorrected", "s-uncorrected", &p.total_uncorrected, true});
  std::uint64_t most = 0;
  for (const auto& h : all) most = std::max(most, h.hist->count());
  // At least three nines on the axis; more when the samples reach further.
  const int nines = std::clamp(static_cast<int>(std::ceil(std::log10(std::max<double>(most, 1)))), 3, 5);
  Chart c;
  c.id = fmt::format("phase-{}-percentiles", n);
  c.title = "Latency by percentile";
  c.x = percentile_axis(nines);
  double ymax = 0;
  for (const auto& h : all) {
    if (h.hist->count() == 0) continue;
    c.lines.push_back(percentile_curve(h, nines));
    for (const auto& pt : c.lines.back().points) ymax = std::max(ymax, pt.y);
  }
  c.y = linear_axis("ms", ymax);
  if (c.lines.empty()) c.note = "no completed handshakes";
  return render(c);
}

std::string histogram_chart(const PhaseResult& p, int n) {
  const std::vector<Named> all = {{"full handshake", "s-full", &p.handshake_full, false},
                                  {"resumed handshake", "s-resumed", &p.handshake_resumed, false}};
  std::uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& h : all)
    if (h.hist->count() > 0) {
      lo = std::min(lo, h.hist->min());
      hi = std::max(hi, h.hist->max());
    }
  Chart c;
  c.id = fmt::format("phase-{}-histogram", n);
  c.title = "Handshake time histogram";
  if (hi == 0) {
    c.x = log_axis("handshake time (ms, log scale)", 0.1, 10);
    c.y = linear_axis("handshakes", 1);
    c.note = "no completed handshakes";
    return render(c);
  }
  c.x = log_axis("handshake time (ms, log scale)", ms(lo), ms(hi) * 1.01);
  // 50 bins of equal width on the log axis, from the first sample to the last.
  constexpr int kBins = 50;
  const double l0 = std::log10(std::max(ms(lo), 1e-6)), l1 = std::log10(ms(hi) * 1.01);
  const double width = (l1 - l0) / kBins;
  double ymax = 0;
  for (const auto& h : all) {
    if (h.hist->count() == 0) continue;
    std::vector<double> bins(kBins, 0);
    for (std::size_t i = 0; i < measure::Histogram::kBuckets; ++i) {
      const auto count = h.hist->bucket(i);
      if (count == 0) continue;
      const double v = std::log10(std::max(ms(measure::Histogram::midpoint(i)), 1e-6));
      const int b = std::clamp(static_cast<int>((v - l0) / width), 0, kBins - 1);
      bins[static_cast<std::size_t>(b)] += static_cast<double>(count);
    }
    BarSeries s{h.name, h.css, {}};
    for (int b = 0; b < kBins; ++b) {
      if (bins[static_cast<std::size_t>(b)] == 0) continue;
      s.bars.push_back({std::pow(10, l0 + b * width), std::pow(10, l0 + (b + 1) * width),
                        bins[static_cast<std::size_t>(b)]});
      ymax = std::max(ymax, bins[static_cast<std::size_t>(b)]);
    }
    c.bars.push_back(std::move(s));
  }
  c.y = linear_axis("handshakes", ymax);
  return render(c);
}

std::string timeline_chart(const PhaseResult& p, int n) {
  Chart c;
  c.id = fmt::format("phase-{}-timeline", n);
  c.title = "Throughput and errors per second";
  const auto& secs = p.series.seconds();
  LineSeries handshakes{"handshakes/s", "s-throughput", {}, false};
  LineSeries ok{"2xx responses/s", "s-ok", {}, true};
  BarSeries errors{"errors/s", "s-errors", {}};
  double ymax = 0;
  bool dropped_sliver = false;
  for (std::size_t i = 0; i < secs.size(); ++i) {
    const double t = static_cast<double>(i);
    // A window that ends inside a second (duration_s = 2.5, a stop) leaves a last second
    // that ran only in part: its counts are drawn as a rate over the part that ran, so it
    // does not read as a collapse; a sliver under a tenth of a second is left out.
    const double width = p.measured_s > t ? std::min(1.0, p.measured_s - t) : 1.0;
    if (width < 0.1) {
      dropped_sliver = true;
      continue;
    }
    const auto rate = [&](std::uint64_t n) { return static_cast<double>(n) / width; };
    // Each second's figure is drawn at the middle of the part of it that ran.
    handshakes.points.push_back({t + width / 2, rate(secs[i].handshakes)});
    ok.points.push_back({t + width / 2, rate(secs[i].requests)});
    if (secs[i].errors > 0)
      errors.bars.push_back({t + 0.1 * width, t + 0.9 * width, rate(secs[i].errors)});
    ymax = std::max({ymax, rate(secs[i].handshakes), rate(secs[i].requests), rate(secs[i].errors)});
  }
  c.x = linear_axis("seconds into the measured window",
                    std::max({1.0, p.measured_s, static_cast<double>(secs.size()) - (dropped_sliver ? 1 : 0)}));
  c.y = linear_axis("per second", ymax);
  c.bars.push_back(std::move(errors));
  c.lines = {std::move(handshakes), std::move(ok)};
  if (secs.empty()) c.note = "no per-second samples";
  return render(c);
}

std::string cpu_chart(const PhaseResult& p, int n) {
  std::vector<HBar> rows;
  auto row = [&](const char* label, const char* css, const std::optional<double>& us) {
    rows.push_back({label, css, us.value_or(0),
                    us ? fmt::format("{:.0f} µs", *us) : std::string("not measured")});
  };
  row("client", "s-client", p.cpu.client_us_per_handshake);
  row("target", "s-target", p.cpu.target_us_per_handshake);
  return render_hbars(fmt::format("phase-{}-cpu", n), "CPU time per handshake", rows);
}

}  // namespace mtls::report::html
