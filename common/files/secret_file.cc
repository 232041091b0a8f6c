#include "common/files/secret_file.h"

#include <unistd.h>

namespace classplan::files {

bool ExposedToOthers(const struct stat& st) {
  return (st.st_mode & S_IRWXO) != 0 || ((st.st_mode & S_IRWXG) != 0 && st.st_gid != getegid());
}

}  // namespace classplan::files
