#include "services/gateway/grpc/method_kinds.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "google/protobuf/descriptor.pb.h"
#include "services/gateway/grpc/reflection_proxy.h"

namespace classplan::gateway {

namespace rpb = grpc::reflection::v1alpha;

MethodKinds::MethodKinds(const std::vector<std::unique_ptr<BackendPool>>* pools,
                         const RouteTable* routes)
    : pools_(pools), routes_(routes) {
  for (size_t i = 0; i < pools->size(); ++i) {
    tables_.push_back(std::make_unique<std::atomic<const Table*>>(nullptr));
  }
}

bool MethodKinds::IsUnary(size_t pool, absl::string_view method) const {
  const Table* t = tables_[pool]->load(std::memory_order_acquire);
  return t != nullptr && t->contains(method);
}

size_t MethodKinds::Learn(size_t pool) {
  const BackendPool& p = *(*pools_)[pool];
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  rpb::ServerReflectionRequest req;
  req.set_list_services("");
  rpb::ServerReflectionResponse resp;
  if (!AskReflection(p, req, deadline, &resp) || !resp.has_list_services_response()) return 0;
  auto table = std::make_unique<Table>();
  for (const auto& service : resp.list_services_response().service()) {
    if (routes_->Find(service.name()) != static_cast<int>(pool)) continue;
    rpb::ServerReflectionRequest file_req;
    file_req.set_file_containing_symbol(service.name());
    rpb::ServerReflectionResponse files;
    if (!AskReflection(p, file_req, deadline, &files) || !files.has_file_descriptor_response()) {
      continue;
    }
    for (const std::string& bytes : files.file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto file;
      if (!file.ParseFromString(bytes)) continue;
      for (const auto& s : file.service()) {
        const std::string full =
            file.package().empty() ? s.name() : absl::StrCat(file.package(), ".", s.name());
        if (full != service.name()) continue;
        for (const auto& m : s.method()) {
          if (!m.client_streaming() && !m.server_streaming()) {
            table->insert(absl::StrCat("/", full, "/", m.name()));
          }
        }
      }
    }
  }
  const size_t n = table->size();
  const Table* old = tables_[pool]->load(std::memory_order_acquire);
  if (old != nullptr && *old == *table) return n;
  tables_[pool]->store(table.get(), std::memory_order_release);
  {
    absl::MutexLock lock(&mu_);
    owned_.push_back(std::move(table));
  }
  log::Info("unary methods learnt",
            {{"route", p.route.service}, {"unary_methods", static_cast<int64_t>(n)}});
  return n;
}

}  // namespace classplan::gateway
