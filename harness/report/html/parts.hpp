// The pieces report.html is assembled from (page.cpp puts them together).
#pragma once

#include <string>

#include "report/report.hpp"

namespace mtls::report::html {

std::string style_css();                           // style.cpp: light, dark and print
std::string meta_section(const Report& r);         // meta.cpp: id "meta"
std::string matrix_section(const Report& r);       // matrix.cpp: id "conformance", "matrix"
// phase.cpp: id "phase-<n>" (n from 1) with its tables and phase_charts.cpp's charts.
std::string phase_section(const PhaseResult& p, int n);

// phase_charts.cpp: ids "phase-<n>-percentiles", "-histogram", "-timeline", "-cpu".
std::string percentile_chart(const PhaseResult& p, int n);
std::string histogram_chart(const PhaseResult& p, int n);
std::string timeline_chart(const PhaseResult& p, int n);
std::string cpu_chart(const PhaseResult& p, int n);

}  // namespace mtls::report::html
