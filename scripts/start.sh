#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and runs classplan locally in
# the foreground (deploy/local/run.sh, whose header lists its settings). Ctrl-C stops it.
# CLASSPLAN_STORE=postgres runs it on a private PostgreSQL instead of SQLite files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec bash deploy/local/run.sh
