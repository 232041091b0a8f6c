#ifndef CLASSPLAN_TESTS_SUPPORT_FAKE_DNS_H_
#define CLASSPLAN_TESTS_SUPPORT_FAKE_DNS_H_

// A DNS server for tests, authoritative for one name: UDP on 127.0.0.1, a free port, answered
// in a thread of the test process. A queries (class IN) for the name get the current
// addresses with TTL 0; other types for the name get an empty NOERROR answer; every other
// name gets NXDOMAIN. Names must be uncompressed in the question (what resolvers send).

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace classplan::testing {

class FakeDns {
 public:
  // Query types, as in the question's QTYPE field.
  static constexpr uint16_t kA = 1, kAaaa = 28, kSrv = 33, kTxt = 16;

  // `name` without the final dot, e.g. "backends.classplan.test"; matched case-insensitively.
  explicit FakeDns(std::string name);
  ~FakeDns();
  FakeDns(const FakeDns&) = delete;
  FakeDns& operator=(const FakeDns&) = delete;

  // The UDP port, or -1 when no socket could be bound.
  int port() const { return port_; }
  // IPv4 addresses ("127.0.0.2") the next A answers carry.
  void SetAddresses(std::vector<std::string> addresses);
  // How many queries for the name of type `qtype` were answered so far.
  int Queries(uint16_t qtype) const;
  // How many queries were answered so far, for any name.
  int AllQueries() const;

  // The reply to one query datagram, or "" when it deserves none (too short, a response).
  std::string Answer(const std::string& query);

 private:
  void Serve();

  const std::string name_;
  int fd_ = -1, port_ = -1;
  std::atomic<bool> stop_{false};
  mutable absl::Mutex mu_;
  std::vector<uint32_t> addresses_ ABSL_GUARDED_BY(mu_);  // network byte order
  std::map<uint16_t, int> name_queries_ ABSL_GUARDED_BY(mu_);
  int all_queries_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace classplan::testing

#endif  // CLASSPLAN_TESTS_SUPPORT_FAKE_DNS_H_
