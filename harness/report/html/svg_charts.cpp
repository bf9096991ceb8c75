#include "report/html/svg_charts.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "report/html/escape.hpp"

namespace mtls::report::html {
namespace {

// Plot geometry in SVG user units; the SVG scales to its container's width.
constexpr double kWidth = 640, kHeight = 300;
constexpr double kLeft = 62, kRight = 16, kTop = 12, kBottom = 46;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

double unit(const Axis& a, double v) {
  if (a.log) {
    v = std::max(v, a.min);
    return (std::log10(v) - std::log10(a.min)) / (std::log10(a.max) - std::log10(a.min));
  }
  return a.max > a.min ? (v - a.min) / (a.max - a.min) : 0;
}
double px(const Axis& a, double v) { return kLeft + kPlotW * std::clamp(unit(a, v), 0.0, 1.0); }
double py(const Axis& a, double v) {
  return kTop + kPlotH * (1 - std::clamp(unit(a, v), 0.0, 1.0));
}

std::string tick_label(double v) { return fmt::format("{:g}", v); }

void axes(std::string& svg, const Chart& c) {
  for (const auto& [v, label] : c.x.ticks) {
    const double x = px(c.x, v);
    svg += fmt::format(R"(<line class="grid" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)", x,
                       kTop, x, kTop + kPlotH);
    svg += fmt::format(R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)",
                       x, kTop + kPlotH + 16, escape(label));
  }
  for (const auto& [v, label] : c.y.ticks) {
    const double y = py(c.y, v);
    svg += fmt::format(R"(<line class="grid" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"/>)",
                       kLeft, y, kLeft + kPlotW, y);
    svg += fmt::format(R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="end">{}</text>)",
                       kLeft - 6, y + 4, escape(label));
  }
  svg += fmt::format(R"(<rect class="frame" x="{}" y="{}" width="{}" height="{}"/>)", kLeft, kTop,
                     kPlotW, kPlotH);
  svg += fmt::format(R"(<text class="axis-label" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)",
                     kLeft + kPlotW / 2, kHeight - 8, escape(c.x.label));
  svg += fmt::format(
      R"svg(<text class="axis-label" x="14" y="{:.1f}" text-anchor="middle" transform="rotate(-90 14 {:.1f})">{}</text>)svg",
      kTop + kPlotH / 2, kTop + kPlotH / 2, escape(c.y.label));
}

double nice_step(double rough) {
  if (rough <= 0) return 1;
  const double mag = std::pow(10, std::floor(std::log10(rough)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= rough) return m * mag;
  return 10 * mag;
}

}  // namespace

Axis linear_axis(std::string label, double max) {
  Axis a;
  a.label = std::move(label);
  if (!(max > 0)) max = 1;
  const double step = nice_step(max / 5);
  a.max = std::ceil(max / step - 1e-9) * step;
  for (int i = 0; i * step <= a.max + step / 2; ++i) a.ticks.push_back({i * step, tick_label(i * step)});
  return a;
}

Axis log_axis(std::string label, double lo, double hi) {
  Axis a;
  a.label = std::move(label);
  a.log = true;
  lo = std::max(lo, 1e-6);
  hi = std::max(hi, lo * 1.0001);
  a.min = std::pow(10, std::floor(std::log10(lo)));
  a.max = std::pow(10, std::ceil(std::log10(hi)));
  for (double d = a.min; d < a.max * 1.0001; d *= 10)
    for (double m : {1.0, 2.0, 5.0})
      if (d * m <= a.max * 1.0001) a.ticks.push_back({d * m, tick_label(d * m)});
  return a;
}

double percentile_x(double q) { return std::log10(1 / (1 - std::clamp(q, 0.0, 1 - 1e-12))); }

Axis percentile_axis(int nines) {
  Axis a;
  a.label = "percentile";
  a.max = nines;
  a.ticks.push_back({0, "0%"});
  // n nines: 90 %, 99 %, 99.9 %, ... (n - 2 decimals from three nines on).
  for (int n = 1; n <= nines; ++n)
    a.ticks.push_back({static_cast<double>(n),
                       fmt::format("{:.{}f}%", 100 * (1 - std::pow(10, -n)), std::max(0, n - 2))});
  return a;
}

std::string render(const Chart& c) {
  std::string svg = fmt::format(
      R"(<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title">)"
      R"(<title id="{}-title">{}</title>)",
      kWidth, kHeight, escape(c.id), escape(c.id), escape(c.title));
  axes(svg, c);
  for (const auto& s : c.bars) {
    svg += fmt::format(R"(<g class="bars {}">)", escape(s.css_class));
    for (const auto& b : s.bars) {
      const double x0 = px(c.x, b.x0), x1 = px(c.x, b.x1), y = py(c.y, b.y);
      svg += fmt::format(R"(<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/>)",
                         x0, y, std::max(0.5, x1 - x0 - 0.5), kTop + kPlotH - y);
    }
    svg += "</g>";
  }
  for (const auto& s : c.lines) {
    if (s.points.empty()) continue;
    std::string pts;
    for (const auto& p : s.points) pts += fmt::format("{:.1f},{:.1f} ", px(c.x, p.x), py(c.y, p.y));
    pts.pop_back();
    svg += fmt::format(R"(<polyline class="line {}{}" points="{}"/>)", escape(s.css_class),
                       s.dashed ? " dashed" : "", pts);
    const auto& last = s.points.back();
    svg += fmt::format(R"(<circle class="end {}" cx="{:.1f}" cy="{:.1f}" r="2.5"/>)",
                       escape(s.css_class), px(c.x, last.x), py(c.y, last.y));
  }
  svg += "</svg>";

  std::string legend;
  auto item = [&](const std::string& name, const std::string& css, bool dashed) {
    legend += fmt::format(R"(<li><span class="swatch {}{}"></span>{}</li>)", escape(css),
                          dashed ? " dashed" : "", escape(name));
  };
  for (const auto& s : c.bars) item(s.name, s.css_class, false);
  for (const auto& s : c.lines) item(s.name, s.css_class, s.dashed);
  return fmt::format(R"(<figure class="chart-box" id="{}"><figcaption>{}</figcaption>{}<ul class="legend">{}</ul>{}</figure>)",
                     escape(c.id), escape(c.title), svg, legend,
                     c.note.empty() ? "" : "<p class=\"note\">" + escape(c.note) + "</p>");
}

std::string render_hbars(const std::string& id, const std::string& title,
                         const std::vector<HBar>& rows) {
  constexpr double kLabelW = 120, kValueW = 110, kRowH = 30;
  const double height = kRowH * static_cast<double>(rows.size()) + 8;
  double max = 0;
  for (const auto& r : rows) max = std::max(max, r.value);
  std::string svg = fmt::format(
      R"(<svg class="chart hbars" viewBox="0 0 {} {:.0f}" role="img" aria-labelledby="{}-title"><title id="{}-title">{}</title>)",
      kWidth, height, escape(id), escape(id), escape(title));
  double y = 4;
  for (const auto& r : rows) {
    const double w = max > 0 ? (kWidth - kLabelW - kValueW) * r.value / max : 0;
    svg += fmt::format(R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="end">{}</text>)",
                       kLabelW - 8, y + kRowH / 2 + 4, escape(r.label));
    svg += fmt::format(R"(<g class="bars {}"><rect class="bar solid" x="{}" y="{:.1f}" width="{:.1f}" height="{:.1f}"/></g>)",
                       escape(r.css_class), kLabelW, y + 4, std::max(w, 1.0), kRowH - 8);
    svg += fmt::format(R"(<text class="value" x="{:.1f}" y="{:.1f}">{}</text>)",
                       kLabelW + w + 6, y + kRowH / 2 + 4, escape(r.value_text));
    y += kRowH;
  }
  svg += "</svg>";
  return fmt::format(R"(<figure class="chart-box" id="{}"><figcaption>{}</figcaption>{}</figure>)",
                     escape(id), escape(title), svg);
}

}  // namespace mtls::report::html
