// The live progress line on stderr: rewritten in place on a tty, one line every few seconds
// otherwise (CI logs).
#pragma once

#include <chrono>
#include <string>

#include "load/options.hpp"

namespace mtls::load {

class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::string phase_name);
  // Called often; prints when due.
  void update(const Progress& p);
  void finish();  // ends the tty line

 private:
  std::string name_;
  bool tty_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point last_;
};

std::string progress_text(const std::string& phase, const Progress& p);

}  // namespace mtls::load
