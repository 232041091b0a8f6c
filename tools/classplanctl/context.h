#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_CONTEXT_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_CONTEXT_H_

// What a chosen command runs with: the resolved targets and channels, the deadline of every
// call, the appraisal identity, --json, and one way to report a failed call (the message,
// field violations, a hint, and the exit code).

#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "tools/classplanctl/cli.h"

namespace classplan::ctl {

// Exit codes: 0 ok, 1 anything else, 2 usage, 3 not found, 4 invalid input or failed
// precondition, 5 unavailable or timed out, 6 conflict (stale etag, already exists).
inline constexpr int kUsageExit = 2;
inline constexpr int kInvalidExit = 4;
int ExitCodeFor(grpc::StatusCode code);

// Prints `m` as JSON (JsonText) on stdout; returns 0.
int PrintJson(const google::protobuf::Message& m);

// "error: <what>" on stderr; returns kUsageExit.
int UsageError(const std::string& what);

class Context {
 public:
  Context(const GlobalFlags& flags, EnvFn env);

  bool json() const { return flags_.json; }
  const GlobalFlags& flags() const { return flags_; }
  std::string Target(Service service) const;
  // One channel per target, made on first use.
  std::shared_ptr<grpc::Channel> Channel(Service service);

  // A call's context: the --timeout deadline and the caller's identity (Identify).
  std::unique_ptr<grpc::ClientContext> NewCall(Service service) const;
  // Adds --principal and --roles to the call's metadata, for the identity signer
  // (--identity_key_file) when a service is called directly; the gateway drops them.
  void Identify(grpc::ClientContext* call) const;

  // Prints the failed call's error (message, field violations, what to check) and returns
  // its exit code.
  int Fail(const grpc::Status& status, Service service) const;

  // Calls a unary RPC; prints errors and returns the exit code.
  template <typename Stub, typename Req, typename Resp>
  int Call(Service service, Stub* stub,
           grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
           Resp* resp) {
    auto call = NewCall(service);
    grpc::Status s = (stub->*rpc)(call.get(), req, resp);
    return s.ok() ? 0 : Fail(s, service);
  }

  // Calls a paged List RPC until its last page, appending each page's `items` to `all`.
  template <typename Stub, typename Req, typename Resp, typename Items>
  int CallAllPages(Service service, Stub* stub,
                   grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), Req req,
                   Resp* all, Items items) {
    do {
      Resp page;
      if (int rc = Call(service, stub, rpc, req, &page); rc != 0) return rc;
      items(all)->MergeFrom(*items(&page));
      req.set_page_token(page.next_page_token());
    } while (!req.page_token().empty());
    return 0;
  }

  // The same for a response with several repeated fields (FindBandsForSalary): whole pages
  // are merged (repeated fields appended, the others as the last page has them).
  template <typename Stub, typename Req, typename Resp>
  int CallAllPages(Service service, Stub* stub,
                   grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), Req req,
                   Resp* all) {
    do {
      Resp page;
      if (int rc = Call(service, stub, rpc, req, &page); rc != 0) return rc;
      all->MergeFrom(page);
      req.set_page_token(page.next_page_token());
    } while (!req.page_token().empty());
    all->clear_next_page_token();
    return 0;
  }

  // People type "denver" for "denver-csa": a value without '-' that starts exactly one
  // jurisdiction id (asked of the catalog) becomes that id. Anything else is left as given,
  // so the service still reports an unknown jurisdiction itself.
  void ExpandJurisdiction(std::string* jurisdiction);

 private:
  GlobalFlags flags_;
  EnvFn env_;
  absl::Duration timeout_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_CONTEXT_H_
