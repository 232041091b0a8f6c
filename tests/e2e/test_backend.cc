// test_backend: a backend for the gateway's end-to-end tests, serving
// classplan.test.v1.TestService with raw bytes (no proto), so every call kind and the
// gateway's behaviour can be observed from the backend's side:
//   Echo         unary: answers the request; initial metadata "x-saw-<header>" repeats what
//                arrived of x-classplan-principal, x-classplan-roles, x-request-id and
//                authorization (which must never arrive), "x-served-by" names the replica:
//                the --name flag, else the port
//   ClientStream answers "count=<n>" after the caller half-closes
//   ServerStream request "<n>": answers n messages "0".."n-1"
//   Bidi         echoes each message as it arrives
//   Slow         request "<ms>": answers after that long, unless cancelled first; then it
//                logs {"msg":"cancel seen"} and ends CANCELLED
//   FailOnce*    (any method so named, e.g. FailOnceRead, FailOnceWrite) unary: the first
//                call with a given request ends UNAVAILABLE; later ones answer
//                "attempts=<n>", n counting that first call, so a caller can tell whether
//                the gateway retried (no x-saw-*/x-served-by headers on these)
// It also serves one typed unary method, so that the gateway learns from this backend's
// reflection that it is unary and takes its unary path:
//   classplan.catalog.v1.CatalogService/GetJurisdiction  id "slow-<ms>": answers after that
//                long unless cancelled (then logs {"msg":"cancel seen"}); any other id: answers
//                at once with a jurisdiction of that id (the benchmark's typed echo), except
//                "fail-once-<x>", whose first call ends UNAVAILABLE and later ones answer
//                with the name "attempts=<n>" (as FailOnce*)
// Health: "" and classplan.test.v1.TestService. SIGTERM drains like every server.

#include <map>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "classplan/catalog/v1/catalog_service.grpc.pb.h"
#include "common/log/log.h"
#include "common/server/flags.h"
#include "common/server/server_host.h"
#include "grpcpp/generic/async_generic_service.h"
#include "tests/support/generic_call.h"

ABSL_FLAG(std::string, name, "", "the x-served-by header's value (default: the port)");

namespace {

using classplan::testing::ByteBufferToString;

std::string g_served_by;

// The FailOnce methods' calls so far, by method and request.
absl::Mutex g_attempts_mu;
std::map<std::string, int>* g_attempts = new std::map<std::string, int>();

// This call's attempt number for `key` (1 for the first).
int Attempt(const std::string& key) {
  absl::MutexLock lock(&g_attempts_mu);
  return ++(*g_attempts)[key];
}

// Waits up to `ms` for the call's cancellation (woken by it, no polling); true, with a
// "cancel seen" log line, when it came first.
bool CancelledWithin(absl::Notification* cancelled, int ms) {
  const absl::Time start = absl::Now();
  if (!cancelled->WaitForNotificationWithTimeout(absl::Milliseconds(ms))) return false;
  classplan::log::Info("cancel seen",
                       {{"after_ms", absl::ToInt64Milliseconds(absl::Now() - start)}});
  return true;
}

class Call : public grpc::ServerGenericBidiReactor {
 public:
  explicit Call(grpc::GenericCallbackServerContext* ctx) {
    method_ = ctx->method();
    method_ = method_.substr(method_.rfind('/') + 1);
    // FailOnce* answers carry no initial metadata of ours: an error with none goes out as a
    // trailers-only response, which is what lets a client (the gateway) retry it (gRPC's
    // retry design, A6); custom headers would commit the call to this attempt.
    if (method_.rfind("FailOnce", 0) != 0) {
      for (const char* h : {"x-classplan-principal", "x-classplan-roles", "x-request-id",
                            "authorization", "x-custom"}) {
        auto range = ctx->client_metadata().equal_range(h);
        std::string all;
        for (auto it = range.first; it != range.second; ++it) {
          if (!all.empty()) all += "|";
          all.append(it->second.data(), it->second.size());
        }
        if (range.first != range.second) ctx->AddInitialMetadata(absl::StrCat("x-saw-", h), all);
      }
      ctx->AddInitialMetadata("x-served-by", g_served_by);
    }
    if (method_ != "Echo" && method_ != "ClientStream" && method_ != "ServerStream" &&
        method_ != "Bidi" && method_ != "Slow" && method_.rfind("FailOnce", 0) != 0) {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no such test method"));
      return;
    }
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      ++count_;
      last_ = ByteBufferToString(in_);
      if (method_ == "Bidi") {
        out_ = classplan::testing::StringToByteBuffer(last_);
        StartWrite(&out_);
        return;
      }
      StartRead(&in_);
      return;
    }
    if (method_ == "Echo" || method_ == "Bidi") {
      if (method_ == "Echo") {
        out_ = classplan::testing::StringToByteBuffer(last_);
        StartWriteAndFinish(&out_, {}, grpc::Status::OK);
      } else {
        Finish(grpc::Status::OK);
      }
    } else if (method_.rfind("FailOnce", 0) == 0) {
      const int n = Attempt(method_ + "/" + last_);
      if (n == 1) return Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "failing once"));
      out_ = classplan::testing::StringToByteBuffer(absl::StrCat("attempts=", n));
      StartWriteAndFinish(&out_, {}, grpc::Status::OK);
    } else if (method_ == "ClientStream") {
      out_ = classplan::testing::StringToByteBuffer(absl::StrCat("count=", count_));
      StartWriteAndFinish(&out_, {}, grpc::Status::OK);
    } else if (method_ == "ServerStream") {
      if (!absl::SimpleAtoi(last_, &remaining_)) remaining_ = 0;
      NextStreamed();
    } else {  // Slow
      int ms = 0;
      (void)absl::SimpleAtoi(last_, &ms);
      std::thread([this, ms] {
        if (CancelledWithin(&cancelled_, ms)) {
          Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
          return;
        }
        out_ = classplan::testing::StringToByteBuffer(last_);
        StartWriteAndFinish(&out_, {}, grpc::Status::OK);
      }).detach();
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
    if (method_ == "Bidi") return StartRead(&in_);
    if (method_ == "ServerStream") NextStreamed();
  }
  void OnCancel() override { cancelled_.Notify(); }  // gRPC calls it at most once
  void OnDone() override { delete this; }

 private:
  void NextStreamed() {
    if (sent_ >= remaining_) return Finish(grpc::Status::OK);
    out_ = classplan::testing::StringToByteBuffer(absl::StrCat(sent_++));
    StartWrite(&out_);
  }

  std::string method_, last_;
  grpc::ByteBuffer in_, out_;
  int count_ = 0, remaining_ = 0, sent_ = 0;
  absl::Notification cancelled_;
};

class Jurisdictions : public classplan::catalog::v1::CatalogService::CallbackService {
  grpc::ServerUnaryReactor* GetJurisdiction(
      grpc::CallbackServerContext* ctx, const classplan::catalog::v1::GetJurisdictionRequest* req,
      classplan::catalog::v1::GetJurisdictionResponse* resp) override {
    auto* reactor = ctx->DefaultReactor();
    if (req->id().rfind("fail-once-", 0) == 0) {
      const int n = Attempt("GetJurisdiction/" + req->id());
      if (n == 1) {
        reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "failing once"));
      } else {
        resp->mutable_jurisdiction()->set_id(req->id());
        resp->mutable_jurisdiction()->set_name(absl::StrCat("attempts=", n));
        reactor->Finish(grpc::Status::OK);
      }
      return reactor;
    }
    int ms = 0;
    if (req->id().rfind("slow-", 0) != 0 || !absl::SimpleAtoi(req->id().substr(5), &ms)) {
      resp->mutable_jurisdiction()->set_id(req->id());
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    return new SlowJurisdiction(resp, ms);
  }

  // Answers "slow" after `ms` unless cancelled first; its own reactor, to hear the cancel.
  class SlowJurisdiction : public grpc::ServerUnaryReactor {
   public:
    SlowJurisdiction(classplan::catalog::v1::GetJurisdictionResponse* resp, int ms) {
      std::thread([this, resp, ms] {
        if (CancelledWithin(&cancelled_, ms)) {
          Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
          return;
        }
        resp->mutable_jurisdiction()->set_id("slow");
        Finish(grpc::Status::OK);
      }).detach();
    }
    void OnCancel() override { cancelled_.Notify(); }  // gRPC calls it at most once
    void OnDone() override { delete this; }

   private:
    absl::Notification cancelled_;
  };
};

class TestService : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new Call(ctx);
  }
};

}  // namespace

int main(int argc, char** argv) {
  classplan::server::BlockShutdownSignals();
  absl::ParseCommandLine(argc, argv);
  classplan::log::Init("test_backend");
  auto o = classplan::server::ServerOptionsFromFlags("test_backend");
  o.health_service_names = {"classplan.test.v1.TestService", "classplan.catalog.v1.CatalogService"};
  o.metrics_interval = absl::ZeroDuration();
  g_served_by = absl::GetFlag(FLAGS_name);
  if (g_served_by.empty()) g_served_by = o.listen.substr(o.listen.rfind(':') + 1);
  classplan::server::ServerHost host(o);
  TestService service;
  Jurisdictions jurisdictions;
  host.SetGenericService(&service);
  host.AddService(&jurisdictions);
  if (!host.Start().ok()) return 1;
  host.MarkServing();
  host.WaitForShutdownSignal();
  return 0;
}
