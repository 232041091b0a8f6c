#include "common/server/reflection_v1.h"

#include <algorithm>

#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

namespace classplan::server {
namespace {

namespace rpb = grpc::reflection::v1;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// `file` and the dependencies not sent yet on this stream, the file first.
void AddFiles(const FileDescriptor* file, std::vector<std::string>* sent,
              rpb::FileDescriptorResponse* out) {
  std::vector<const FileDescriptor*> todo = {file};
  while (!todo.empty()) {
    const FileDescriptor* f = todo.back();
    todo.pop_back();
    if (std::find(sent->begin(), sent->end(), f->name()) != sent->end()) continue;
    sent->push_back(f->name());
    google::protobuf::FileDescriptorProto proto;
    f->CopyTo(&proto);
    proto.SerializeToString(out->add_file_descriptor_proto());
    for (int i = 0; i < f->dependency_count(); ++i) todo.push_back(f->dependency(i));
  }
}

class Reactor
    : public grpc::ServerBidiReactor<rpb::ServerReflectionRequest, rpb::ServerReflectionResponse> {
 public:
  explicit Reactor(const ReflectionV1* service) : service_(service) { StartRead(&req_); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::OK);  // the client closed its side
      return;
    }
    resp_ = service_->Answer(req_, &sent_);
    StartWrite(&resp_);
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    StartRead(&req_);
  }
  void OnDone() override { delete this; }

 private:
  const ReflectionV1* const service_;
  rpb::ServerReflectionRequest req_;
  rpb::ServerReflectionResponse resp_;
  std::vector<std::string> sent_;
};

}  // namespace

grpc::ServerBidiReactor<rpb::ServerReflectionRequest, rpb::ServerReflectionResponse>*
ReflectionV1::ServerReflectionInfo(grpc::CallbackServerContext* /*ctx*/) {
  return new Reactor(this);
}

rpb::ServerReflectionResponse ReflectionV1::Answer(const rpb::ServerReflectionRequest& req,
                                                   std::vector<std::string>* sent) const {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  rpb::ServerReflectionResponse out;
  out.set_valid_host(req.host());
  *out.mutable_original_request() = req;
  auto not_found = [&out](const std::string& what) {
    out.mutable_error_response()->set_error_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
    out.mutable_error_response()->set_error_message(what);
  };
  switch (req.message_request_case()) {
    case rpb::ServerReflectionRequest::kListServices:
      for (const std::string& name : services_) {
        out.mutable_list_services_response()->add_service()->set_name(name);
      }
      break;
    case rpb::ServerReflectionRequest::kFileByFilename:
      if (const FileDescriptor* f = pool->FindFileByName(req.file_by_filename())) {
        AddFiles(f, sent, out.mutable_file_descriptor_response());
      } else {
        not_found("File not found.");
      }
      break;
    case rpb::ServerReflectionRequest::kFileContainingSymbol:
      if (const FileDescriptor* f = pool->FindFileContainingSymbol(req.file_containing_symbol())) {
        AddFiles(f, sent, out.mutable_file_descriptor_response());
      } else {
        not_found("Symbol not found.");
      }
      break;
    case rpb::ServerReflectionRequest::kFileContainingExtension: {
      const auto* type =
          pool->FindMessageTypeByName(req.file_containing_extension().containing_type());
      const auto* ext = type == nullptr
                            ? nullptr
                            : pool->FindExtensionByNumber(
                                  type, req.file_containing_extension().extension_number());
      if (ext != nullptr) {
        AddFiles(ext->file(), sent, out.mutable_file_descriptor_response());
      } else {
        not_found("Extension not found.");
      }
      break;
    }
    case rpb::ServerReflectionRequest::kAllExtensionNumbersOfType: {
      const auto* type = pool->FindMessageTypeByName(req.all_extension_numbers_of_type());
      if (type == nullptr) {
        not_found("Type not found.");
        break;
      }
      std::vector<const google::protobuf::FieldDescriptor*> exts;
      pool->FindAllExtensions(type, &exts);
      auto* r = out.mutable_all_extension_numbers_response();
      r->set_base_type_name(type->full_name());
      for (const auto* e : exts) r->add_extension_number(e->number());
      break;
    }
    default:
      out.mutable_error_response()->set_error_code(
          static_cast<int>(grpc::StatusCode::UNIMPLEMENTED));
      out.mutable_error_response()->set_error_message("Unknown request.");
  }
  return out;
}

}  // namespace classplan::server
