#include "tests/support/generic_call.h"

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/synchronization/notification.h"
#include "grpcpp/generic/generic_stub.h"

namespace classplan::testing {
std::string ByteBufferToString(const grpc::ByteBuffer& b) {
  std::vector<grpc::Slice> slices;
  (void)b.Dump(&slices);
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

grpc::ByteBuffer StringToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

namespace {

class Stream : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  Stream(grpc::GenericStub* stub, grpc::ClientContext* ctx, const std::string& method,
         const std::vector<std::string>& requests, GenericResult* out)
      : ctx_(ctx), requests_(requests), out_(out) {
    stub->PrepareBidiStreamingCall(ctx, method, {}, this);
    AddHold();
    NextWrite();
    StartRead(&in_);
    StartCall();
  }
  void OnReadInitialMetadataDone(bool ok) override {
    if (!ok) return;
    for (const auto& [k, v] : ctx_->GetServerInitialMetadata()) {
      out_->initial_metadata.emplace(std::string(k.data(), k.size()),
                                     std::string(v.data(), v.size()));
    }
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return RemoveHold();
    NextWrite();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    out_->responses.push_back(ByteBufferToString(in_));
    StartRead(&in_);
  }
  void OnDone(const grpc::Status& s) override {
    out_->status = s;
    for (const auto& [k, v] : ctx_->GetServerTrailingMetadata()) {
      out_->trailing_metadata.emplace(std::string(k.data(), k.size()),
                                      std::string(v.data(), v.size()));
    }
    done.Notify();
  }
  absl::Notification done;

 private:
  void NextWrite() {
    if (next_ == requests_.size()) {
      StartWritesDone();
      RemoveHold();
      return;
    }
    out_buf_ = StringToByteBuffer(requests_[next_++]);
    StartWrite(&out_buf_);
  }
  grpc::ClientContext* ctx_;
  const std::vector<std::string>& requests_;
  size_t next_ = 0;
  grpc::ByteBuffer in_, out_buf_;
  GenericResult* out_;
};

}  // namespace

std::string GenericResult::Header(const std::string& key) const {
  auto it = initial_metadata.find(key);
  if (it != initial_metadata.end()) return it->second;
  it = trailing_metadata.find(key);
  return it == trailing_metadata.end() ? "" : it->second;
}

GenericResult CallGeneric(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                          const std::vector<std::string>& requests,
                          const std::multimap<std::string, std::string>& metadata,
                          absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
  GenericResult result;
  Stream stream(&stub, &ctx, method, requests, &result);
  stream.done.WaitForNotification();
  return result;
}

}  // namespace classplan::testing
