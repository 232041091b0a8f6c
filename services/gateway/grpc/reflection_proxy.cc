#include "services/gateway/grpc/reflection_proxy.h"

#include <functional>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace classplan::gateway {
namespace {

namespace rpb = grpc::reflection::v1alpha;

// One reflection stream: each request answered on a worker (the backend calls block), in
// order. Req/Resp are either version's messages; Answer maps one to the other.
template <typename Req, typename Resp>
class Reactor : public grpc::ServerBidiReactor<Req, Resp> {
 public:
  using AnswerFn = std::function<Resp(const Req&, absl::Time)>;
  Reactor(AnswerFn answer, server::WorkerPool* workers, absl::Time deadline)
      : answer_(std::move(answer)), workers_(workers), deadline_(deadline) {
    this->StartRead(&req_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status::OK);
    workers_->Submit([this] {
      resp_ = answer_(req_, deadline_);
      this->StartWrite(&resp_);
    });
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
    this->StartRead(&req_);
  }
  void OnDone() override { delete this; }

 private:
  const AnswerFn answer_;
  server::WorkerPool* workers_;
  const absl::Time deadline_;
  Req req_;
  Resp resp_;
};

absl::Time DeadlineOf(const grpc::CallbackServerContext* ctx) {
  const auto d = ctx->deadline();
  return d == std::chrono::system_clock::time_point::max() ? absl::InfiniteFuture()
                                                           : absl::FromChrono(d);
}

// Between the versions by their (identical) wire form.
template <typename To, typename From>
To Convert(const From& from) {
  To to;
  to.ParseFromString(from.SerializeAsString());
  return to;
}

}  // namespace

bool AskReflection(const BackendPool& pool, const rpb::ServerReflectionRequest& req,
                   absl::Time deadline, rpb::ServerReflectionResponse* resp) {
  auto stub = rpb::ServerReflection::NewStub(pool.channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(std::min(deadline, absl::Now() + absl::Seconds(2))));
  auto stream = stub->ServerReflectionInfo(&ctx);
  if (!stream->Write(req)) return false;
  stream->WritesDone();
  const bool got = stream->Read(resp);
  return stream->Finish().ok() && got;
}

ReflectionProxy::ReflectionProxy(const std::vector<std::unique_ptr<BackendPool>>* pools,
                                 const RouteTable* routes, server::WorkerPool* workers)
    : pools_(pools), routes_(routes), workers_(workers) {}

grpc::ServerBidiReactor<rpb::ServerReflectionRequest, rpb::ServerReflectionResponse>*
ReflectionProxy::ServerReflectionInfo(grpc::CallbackServerContext* ctx) {
  return new Reactor<rpb::ServerReflectionRequest, rpb::ServerReflectionResponse>(
      [this](const rpb::ServerReflectionRequest& req, absl::Time deadline) {
        return Answer(req, deadline);
      },
      workers_, DeadlineOf(ctx));
}

grpc::ServerBidiReactor<grpc::reflection::v1::ServerReflectionRequest,
                        grpc::reflection::v1::ServerReflectionResponse>*
ReflectionProxyV1::ServerReflectionInfo(grpc::CallbackServerContext* ctx) {
  namespace v1 = grpc::reflection::v1;
  return new Reactor<v1::ServerReflectionRequest, v1::ServerReflectionResponse>(
      [this](const v1::ServerReflectionRequest& req, absl::Time deadline) {
        return Convert<v1::ServerReflectionResponse>(
            v1alpha_->Answer(Convert<rpb::ServerReflectionRequest>(req), deadline));
      },
      workers_, DeadlineOf(ctx));
}

rpb::ServerReflectionResponse ReflectionProxy::Answer(const rpb::ServerReflectionRequest& req,
                                                      absl::Time deadline) const {
  rpb::ServerReflectionResponse out;
  if (req.message_request_case() == rpb::ServerReflectionRequest::kListServices) {
    std::set<std::string> names = {"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                                   "grpc.reflection.v1alpha.ServerReflection"};
    for (size_t i = 0; i < pools_->size(); ++i) {
      rpb::ServerReflectionResponse r;
      if (!AskReflection(*(*pools_)[i], req, deadline, &r) || !r.has_list_services_response())
        continue;
      for (const auto& s : r.list_services_response().service()) {
        if (routes_->Find(s.name()) == static_cast<int>(i)) names.insert(s.name());
      }
    }
    out.set_valid_host(req.host());
    *out.mutable_original_request() = req;
    for (const auto& n : names) out.mutable_list_services_response()->add_service()->set_name(n);
    return out;
  }
  // The pool that routes the symbol ("pkg.Service.Method" or "pkg.Message": try each
  // shorter prefix as a service name) first, then every pool.
  std::string symbol;
  switch (req.message_request_case()) {
    case rpb::ServerReflectionRequest::kFileContainingSymbol:
      symbol = req.file_containing_symbol();
      break;
    case rpb::ServerReflectionRequest::kFileContainingExtension:
      symbol = req.file_containing_extension().containing_type();
      break;
    case rpb::ServerReflectionRequest::kAllExtensionNumbersOfType:
      symbol = req.all_extension_numbers_of_type();
      break;
    default:
      break;
  }
  std::vector<size_t> order;
  for (std::string s = symbol; !s.empty();) {
    const int i = routes_->Find(s);
    if (i >= 0) {
      order.push_back(static_cast<size_t>(i));
      break;
    }
    const auto dot = s.rfind('.');
    if (dot == std::string::npos) break;
    s.resize(dot);
  }
  for (size_t i = 0; i < pools_->size(); ++i) order.push_back(i);
  std::set<size_t> tried;
  bool have = false;
  for (size_t i : order) {
    if (!tried.insert(i).second) continue;
    rpb::ServerReflectionResponse r;
    if (!AskReflection(*(*pools_)[i], req, deadline, &r)) continue;
    if (!r.has_error_response()) return r;
    if (!have) out = r;
    have = true;
  }
  if (!have) {
    out.set_valid_host(req.host());
    *out.mutable_original_request() = req;
    out.mutable_error_response()->set_error_code(grpc::StatusCode::NOT_FOUND);
    out.mutable_error_response()->set_error_message(
        absl::StrCat("no service behind the gateway knows ", symbol.empty() ? "that" : symbol));
  }
  return out;
}

}  // namespace classplan::gateway
