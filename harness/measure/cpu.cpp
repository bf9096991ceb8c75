#include "measure/cpu.hpp"

#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace mtls::measure {
namespace {

double usage_us(int who) {
  rusage ru{};
  getrusage(who, &ru);
  const auto us = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) * 1e6 + static_cast<double>(tv.tv_usec);
  };
  return us(ru.ru_utime) + us(ru.ru_stime);
}

struct ProcStat {
  pid_t pid = 0;
  pid_t ppid = 0;
  double cpu_ticks = 0;
};

// /proc/<pid>/stat: "pid (comm) state ppid ... utime(14) stime(15)"; comm may hold spaces
// and parentheses, so fields are counted from the last ')'.
std::optional<ProcStat> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; fields >> x && f.size() < 13;) f.push_back(x);
  if (f.size() < 13) return std::nullopt;
  // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  ProcStat s;
  s.pid = pid;
  s.ppid = static_cast<pid_t>(std::stol(f[1]));
  s.cpu_ticks = std::stod(f[11]) + std::stod(f[12]);
  return s;
}

}  // namespace

double thread_cpu_us() { return usage_us(RUSAGE_THREAD); }
double process_cpu_us() { return usage_us(RUSAGE_SELF); }

std::optional<double> process_tree_cpu_us(pid_t root) {
  const auto root_stat = read_stat(root);
  if (!root_stat) return std::nullopt;
  std::multimap<pid_t, ProcStat> by_parent;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      char* end = nullptr;
      const long pid = std::strtol(e->d_name, &end, 10);
      if (*end != '\0' || pid <= 0 || pid == root) continue;
      if (auto s = read_stat(static_cast<pid_t>(pid))) by_parent.emplace(s->ppid, *s);
    }
    closedir(d);
  }
  // Depth-first over descendants (nginx: master -> workers, cache manager).
  double ticks = root_stat->cpu_ticks;
  std::vector<pid_t> frontier{root};
  while (!frontier.empty()) {
    const pid_t parent = frontier.back();
    frontier.pop_back();
    auto [lo, hi] = by_parent.equal_range(parent);
    for (auto it = lo; it != hi; ++it) {
      ticks += it->second.cpu_ticks;
      frontier.push_back(it->second.pid);
    }
  }
  return ticks * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long resident_bytes() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

}  // namespace mtls::measure
