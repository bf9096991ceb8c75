// CPU time in microseconds: of the calling thread (its own rusage, so a load worker measures
// exactly what it spent), of this process, and of another process tree read from /proc
// (a launched nginx: master plus workers).
#pragma once

#include <optional>
#include <sys/types.h>

namespace mtls::measure {

double thread_cpu_us();   // user + system, RUSAGE_THREAD
double process_cpu_us();  // user + system, RUSAGE_SELF (all threads of this process)

// utime + stime of `pid` and every live descendant (found by walking /proc for children),
// in µs; resolution is one clock tick (10 ms at USER_HZ 100). nullopt when `pid` is gone.
std::optional<double> process_tree_cpu_us(pid_t pid);

// Resident set size of this process in bytes (/proc/self/statm), 0 if unreadable.
long resident_bytes();

}  // namespace mtls::measure
