// Charts as inline SVG, generated here rather than by a JavaScript library: the page needs
// no script, renders the same in every browser and on paper, and its bytes depend only on
// the report. Colours come from CSS classes (see style.cpp), so light, dark and print
// schemes restyle the charts without regenerating them.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mtls::report::html {

struct Point {
  double x = 0, y = 0;
};

struct Axis {
  std::string label;
  double min = 0, max = 1;
  bool log = false;  // log10 scale (min > 0)
  std::vector<std::pair<double, std::string>> ticks;  // value, label
};

struct LineSeries {
  std::string name;
  std::string css_class;  // colour, see style.cpp: s-full, s-resumed, ...
  std::vector<Point> points;
  bool dashed = false;
};

// Bars span [x0, x1) in axis units.
struct Bar {
  double x0 = 0, x1 = 0, y = 0;
};
struct BarSeries {
  std::string name;
  std::string css_class;
  std::vector<Bar> bars;
};

struct Chart {
  std::string id;     // element id of the <figure>
  std::string title;  // caption, and the SVG's accessible title
  Axis x, y;
  std::vector<BarSeries> bars;  // drawn first, translucent
  std::vector<LineSeries> lines;
  std::string note;  // a line under the chart (e.g. "no samples")
};

// A <figure> with the SVG and an HTML legend.
std::string render(const Chart& c);

// Axis from 0 to a round number >= max, with 4-6 round ticks.
Axis linear_axis(std::string label, double max);
// Axis from 10^floor(log10 lo) to 10^ceil(log10 hi), ticks at 1-2-5 of each decade.
Axis log_axis(std::string label, double lo, double hi);
// The HDR percentile axis: x = log10(1 / (1 - p)), ticks 0 %, 90 %, 99 %, 99.9 %, ...
// up to `nines` nines.
Axis percentile_axis(int nines);
// x on the percentile axis for the quantile q in [0, 1).
double percentile_x(double q);

// One horizontal bar per row, labelled with its value: for a handful of magnitudes.
struct HBar {
  std::string label;
  std::string css_class;
  double value = 0;
  std::string value_text;  // shown at the end of the bar
};
std::string render_hbars(const std::string& id, const std::string& title, const std::vector<HBar>& rows);

}  // namespace mtls::report::html
