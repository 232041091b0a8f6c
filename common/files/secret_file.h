#ifndef CLASSPLAN_COMMON_FILES_SECRET_FILE_H_
#define CLASSPLAN_COMMON_FILES_SECRET_FILE_H_

#include <sys/stat.h>

namespace classplan::files {

// The one rule for files holding a secret (identity keys, database passwords): others may never
// read them, and the group only when it is this process's own group. That exception is how
// Kubernetes lets a non-root pod read a mounted Secret (the kubelet makes it group-readable for
// the pod's fsGroup; docs/security.md).
bool ExposedToOthers(const struct stat& st);

}  // namespace classplan::files

#endif  // CLASSPLAN_COMMON_FILES_SECRET_FILE_H_
