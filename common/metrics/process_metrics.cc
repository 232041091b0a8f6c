#include "common/metrics/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "prometheus/client_metric.h"

namespace classplan::metrics {
namespace {

prometheus::MetricFamily One(const char* name, const char* help, prometheus::MetricType type,
                             double value) {
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return prometheus::MetricFamily{name, help, type, {m}};
}

// Seconds since the epoch the system booted, from /proc/stat's btime.
double BootTime() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

int OpenFds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  int n = 0;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n - 1;  // the directory stream's own descriptor
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (which is in parentheses and may hold spaces): field 3 is
  // the state; utime, stime are 14 and 15, starttime 22, vsize 23, rss 24 (proc(5)).
  const size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0, start = 0, vsize = 0, rss = 0;
    for (int i = 3; fields >> f && i <= 24; ++i) {
      if (i == 14) utime = std::stod(f);
      if (i == 15) stime = std::stod(f);
      if (i == 22) start = std::stod(f);
      if (i == 23) vsize = std::stod(f);
      if (i == 24) rss = std::stod(f);
    }
    out.push_back(One("process_cpu_seconds_total",
                      "Total user and system CPU time spent in seconds.",
                      prometheus::MetricType::Counter, (utime + stime) / ticks));
    out.push_back(One("process_resident_memory_bytes", "Resident memory size in bytes.",
                      prometheus::MetricType::Gauge, rss * page));
    out.push_back(One("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                      prometheus::MetricType::Gauge, vsize));
    out.push_back(One("process_start_time_seconds",
                      "Start time of the process since unix epoch in seconds.",
                      prometheus::MetricType::Gauge, BootTime() + start / ticks));
  }
  out.push_back(One("process_open_fds", "Number of open file descriptors.",
                    prometheus::MetricType::Gauge, OpenFds()));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.push_back(One("process_max_fds", "Maximum number of open file descriptors.",
                      prometheus::MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return out;
}

}  // namespace classplan::metrics
