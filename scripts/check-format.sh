#!/usr/bin/env bash
# Fails, listing the files, if any tracked C++ file is not formatted as .clang-format says.
# Fix with: git ls-files '*.cc' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format)}
bad=()
while IFS= read -r -d '' f; do
  "$CLANG_FORMAT" --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files -z -- '*.cc' '*.h')
if [ ${#bad[@]} -ne 0 ]; then
  echo "check-format: ${#bad[@]} file(s) not formatted ($("$CLANG_FORMAT" --version)):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "check-format: fix with: clang-format -i <file>..." >&2
  exit 1
fi
echo "check-format: all $(git ls-files -- '*.cc' '*.h' | wc -l) C++ files formatted"
