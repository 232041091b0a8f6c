#include "tests/support/fake_dns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/ascii.h"

namespace classplan::testing {
namespace {

constexpr size_t kHeader = 12;
constexpr size_t kMaxUdp = 512;  // RFC 1035 limit without EDNS
constexpr uint8_t kFormErr = 1, kNxDomain = 3, kNotImp = 4;

uint16_t Get16(const std::string& b, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(b[at]) << 8) |
                               static_cast<uint8_t>(b[at + 1]));
}
void Put16(std::string* b, uint16_t v) {
  b->push_back(static_cast<char>(v >> 8));
  b->push_back(static_cast<char>(v & 0xff));
}

// The header of a reply to `query`: same id and RD bit, QR and AA set, `rcode`, one question
// when `with_question`, `answers` answers, nothing else.
std::string ReplyHeader(const std::string& query, uint8_t rcode, bool with_question,
                        uint16_t answers) {
  std::string r = query.substr(0, 2);
  const uint8_t rd = static_cast<uint8_t>(query[2]) & 0x01;
  r.push_back(static_cast<char>(0x84 | rd));  // QR=1, opcode 0, AA=1
  r.push_back(static_cast<char>(rcode));
  Put16(&r, with_question ? 1 : 0);
  Put16(&r, answers);
  Put16(&r, 0);
  Put16(&r, 0);
  return r;
}

}  // namespace

FakeDns::FakeDns(std::string name) : name_(absl::AsciiStrToLower(name)) {
  fd_ = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

FakeDns::~FakeDns() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

void FakeDns::SetAddresses(std::vector<std::string> addresses) {
  std::vector<uint32_t> parsed;
  for (const auto& a : addresses) {
    in_addr ip{};
    if (inet_pton(AF_INET, a.c_str(), &ip) == 1) parsed.push_back(ip.s_addr);
  }
  absl::MutexLock lock(&mu_);
  addresses_ = std::move(parsed);
}

int FakeDns::Queries(uint16_t qtype) const {
  absl::MutexLock lock(&mu_);
  auto it = name_queries_.find(qtype);
  return it == name_queries_.end() ? 0 : it->second;
}

int FakeDns::AllQueries() const {
  absl::MutexLock lock(&mu_);
  return all_queries_;
}

void FakeDns::Serve() {
  char buf[kMaxUdp];
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;  // wake up now and then to see stop_
    sockaddr_in from{};
    socklen_t len = sizeof(from);
    const ssize_t n = recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0) continue;
    const std::string reply = Answer(std::string(buf, static_cast<size_t>(n)));
    if (reply.empty()) continue;
    (void)sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
  }
}

std::string FakeDns::Answer(const std::string& query) {
  if (query.size() < kHeader || (static_cast<uint8_t>(query[2]) & 0x80) != 0) return "";
  {
    absl::MutexLock lock(&mu_);
    ++all_queries_;
  }
  const uint8_t opcode = (static_cast<uint8_t>(query[2]) >> 3) & 0x0f;
  if (opcode != 0) return ReplyHeader(query, kNotImp, false, 0);
  if (Get16(query, 4) != 1) return ReplyHeader(query, kFormErr, false, 0);
  // QNAME: length-prefixed labels up to the root's zero byte; a pointer (top bits set) or
  // a name longer than 255 bytes is refused.
  std::string name;
  size_t at = kHeader;
  while (true) {
    if (at >= query.size()) return ReplyHeader(query, kFormErr, false, 0);
    const uint8_t label = static_cast<uint8_t>(query[at++]);
    if (label == 0) break;
    if (label > 63 || at + label > query.size() || name.size() + label + 1 > 255) {
      return ReplyHeader(query, kFormErr, false, 0);
    }
    if (!name.empty()) name.push_back('.');
    name.append(query, at, label);
    at += label;
  }
  if (at + 4 > query.size()) return ReplyHeader(query, kFormErr, false, 0);
  const uint16_t qtype = Get16(query, at), qclass = Get16(query, at + 2);
  const std::string question = query.substr(kHeader, at + 4 - kHeader);

  if (absl::AsciiStrToLower(name) != name_) {
    return ReplyHeader(query, kNxDomain, true, 0) + question;
  }
  std::vector<uint32_t> addresses;
  {
    absl::MutexLock lock(&mu_);
    ++name_queries_[qtype];
    if (qtype == kA && qclass == 1) addresses = addresses_;
  }
  // Each A record: a pointer to the question's name (offset 12), type, class, TTL 0, length 4.
  constexpr size_t kRecord = 16;
  const size_t fit = (kMaxUdp - kHeader - question.size()) / kRecord;
  const bool truncated = addresses.size() > fit;
  if (truncated) addresses.resize(fit);
  std::string reply =
      ReplyHeader(query, 0, true, static_cast<uint16_t>(addresses.size())) + question;
  if (truncated) reply[2] = static_cast<char>(reply[2] | 0x02);  // TC: the client may use TCP
  for (uint32_t ip : addresses) {
    Put16(&reply, static_cast<uint16_t>(0xc000 | kHeader));
    Put16(&reply, kA);
    Put16(&reply, 1);
    Put16(&reply, 0);
    Put16(&reply, 0);
    Put16(&reply, 4);
    reply.append(reinterpret_cast<const char*>(&ip), 4);
  }
  return reply;
}

}  // namespace classplan::testing
