#ifndef CLASSPLAN_SERVICES_PAYBAND_CLIENTS_CATALOG_CLASS_DIRECTORY_H_
#define CLASSPLAN_SERVICES_PAYBAND_CLIENTS_CATALOG_CLASS_DIRECTORY_H_

// The domain's ClassDirectory over the catalog service (common/catalog_client): a class's
// jurisdiction, band or grade code and FLSA status from the revision in force. Blocking:
// worker threads only. Errors are the client's (UNAVAILABLE "catalog unavailable ..." when
// the catalog is down or slow).

#include "common/catalog_client/catalog_client.h"
#include "services/payband/domain/payband.h"

namespace classplan::payband {

class CatalogClassDirectory : public ClassDirectory {
 public:
  // `client` must outlive this.
  explicit CatalogClassDirectory(catalog_client::CatalogClient* client) : client_(client) {}

  absl::StatusOr<ClassPayInfo> GetClass(const std::string& code,
                                        std::optional<absl::CivilDay> as_of) override;
  absl::StatusOr<std::vector<ClassPayInfo>> ListClasses(
      const std::string& jurisdiction_id, std::optional<absl::CivilDay> as_of) override;

 private:
  catalog_client::CatalogClient* client_;
};

}  // namespace classplan::payband

#endif  // CLASSPLAN_SERVICES_PAYBAND_CLIENTS_CATALOG_CLASS_DIRECTORY_H_
