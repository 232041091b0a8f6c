#!/usr/bin/env bash
# Runs classplan on this machine in the foreground: a private Redis (loopback only, files under
# .run/ in the checkout), the catalog service, the pay-band service and the appraisal service,
# each with its own embedded SQLite store. Ctrl-C (or SIGTERM) stops everything cleanly.
#
# Settings (environment):
#   BUILD_DIR                  build tree with the binaries (default: build)
#   CLASSPLAN_RUN_DIR          where Redis and the database live (default: .run)
#   CLASSPLAN_REDIS_PORT       private Redis port (default: 6380)
#   CLASSPLAN_CATALOG_PORT     catalog gRPC port (default: 50051)
#   CLASSPLAN_CATALOG_REPLICAS number of catalog replicas on consecutive ports (default: 1);
#                              replicas share the database file and Redis
#   CLASSPLAN_PAYBAND_PORT     pay-band gRPC port (default: 50061); it asks the first catalog
#                              replica for classes
#   CLASSPLAN_APPRAISAL_PORT   appraisal gRPC port (default: 50071); its own SQLite file
#                              (appraisal.db in the run dir), no Redis (nothing is cached)
#   CLASSPLAN_ELIGIBILITY_PORT eligibility gRPC port (default: 50081); rules from the first
#                              catalog replica
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
RUN_DIR=${CLASSPLAN_RUN_DIR:-$ROOT/.run}
REDIS_PORT=${CLASSPLAN_REDIS_PORT:-6380}
CATALOG_PORT=${CLASSPLAN_CATALOG_PORT:-50051}
REPLICAS=${CLASSPLAN_CATALOG_REPLICAS:-1}
PAYBAND_PORT=${CLASSPLAN_PAYBAND_PORT:-50061}
APPRAISAL_PORT=${CLASSPLAN_APPRAISAL_PORT:-50071}
ELIGIBILITY_PORT=${CLASSPLAN_ELIGIBILITY_PORT:-50081}
mkdir -p "$RUN_DIR/redis"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "classplan: stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "classplan: stopped"
}
trap "stop; exit 0" INT TERM
trap stop EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --save "" \
  --appendonly no --dir "$RUN_DIR/redis" --logfile "$RUN_DIR/redis/redis.log" &
pids+=($!)
for _ in $(seq 50); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping >/dev/null || { echo "classplan: redis did not start" >&2; exit 1; }

CTL="$BUILD_DIR/tools/classplanctl/classplanctl"
wait_healthy() {  # port [service]
  local name=${2:-catalog}
  for _ in $(seq 150); do
    "$CTL" --target="127.0.0.1:$1" --timeout=1s health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "classplan: $name on port $1 did not become healthy; see $RUN_DIR/$name-$1.log" >&2
  tail -5 "$RUN_DIR/$name-$1.log" >&2 || true
  return 1
}

# The first replica creates and loads the database; the others start once it is serving.
for i in $(seq 0 $((REPLICAS - 1))); do
  port=$((CATALOG_PORT + i))
  "$BUILD_DIR/services/catalog/catalog_server" --listen="127.0.0.1:$port" \
    --db="$RUN_DIR/catalog.db" --data_dir="$ROOT/data/catalog" \
    --redis="127.0.0.1:$REDIS_PORT" 2>>"$RUN_DIR/catalog-$port.log" &
  pids+=($!)
  wait_healthy "$port" || exit 1
done

# The pay-band service: its own database, the shared Redis, classes from the first catalog.
"$BUILD_DIR/services/payband/payband_server" --listen="127.0.0.1:$PAYBAND_PORT" \
  --db="$RUN_DIR/payband.db" --data_dir="$ROOT/data/payband" \
  --redis="127.0.0.1:$REDIS_PORT" --catalog="127.0.0.1:$CATALOG_PORT" \
  2>>"$RUN_DIR/payband-$PAYBAND_PORT.log" &
pids+=($!)
wait_healthy "$PAYBAND_PORT" payband || exit 1

# The appraisal service: its own database (personnel records, fsync on every write), the
# shipped frameworks; it caches nothing and does not call the catalog.
"$BUILD_DIR/services/appraisal/appraisal_server" --listen="127.0.0.1:$APPRAISAL_PORT" \
  --db="$RUN_DIR/appraisal.db" --data_dir="$ROOT/data/appraisal" \
  2>>"$RUN_DIR/appraisal-$APPRAISAL_PORT.log" &
pids+=($!)
wait_healthy "$APPRAISAL_PORT" appraisal || exit 1
# The eligibility service: no database; class rules from the first catalog, cached in Redis.
"$BUILD_DIR/services/eligibility/eligibility_server" --listen="127.0.0.1:$ELIGIBILITY_PORT" \
  --redis="127.0.0.1:$REDIS_PORT" --catalog="127.0.0.1:$CATALOG_PORT" \
  2>>"$RUN_DIR/eligibility-$ELIGIBILITY_PORT.log" &
pids+=($!)
wait_healthy "$ELIGIBILITY_PORT" eligibility || exit 1

cat <<MSG

classplan is running.
  catalog   127.0.0.1:$CATALOG_PORT$( [ "$REPLICAS" -gt 1 ] && echo " (+$((REPLICAS - 1)) replicas on the next ports)")
  payband   127.0.0.1:$PAYBAND_PORT
  appraisal 127.0.0.1:$APPRAISAL_PORT
  eligibility 127.0.0.1:$ELIGIBILITY_PORT
  redis     127.0.0.1:$REDIS_PORT (private, data in $RUN_DIR)
  logs      $RUN_DIR/*.log

Try, in another terminal:
  $CTL class list
  $CTL class get SPCP20
  $CTL class get CA2459 --json
  $CTL class search "out-of-home placement"
  $CTL class revisions CA2459
  $CTL notice get 1355
  $CTL --payband_target=127.0.0.1:$PAYBAND_PORT pay band 806-A --jurisdiction=denver-csa
  $CTL --payband_target=127.0.0.1:$PAYBAND_PORT pay class CA2459
  $CTL --payband_target=127.0.0.1:$PAYBAND_PORT pay place 50000 --band=806-A --jurisdiction=denver-csa
  $CTL --payband_target=127.0.0.1:$PAYBAND_PORT pay convert 25.50/hour --to=annual
  $CTL --payband_target=127.0.0.1:$PAYBAND_PORT pay flsa --jurisdiction=nm-spo
  # needs a dated nm-spo schedule with band SD (pay import); the shipped NM bands have no figures:
  $CTL --payband_target=127.0.0.1:$PAYBAND_PORT pay check promotion --from=48000 --to=57000 \\
      --band=SD --jurisdiction=nm-spo --date=2025-03-01
  # appraisal commands say who is calling (the gateway will set this for real callers):
  export CLASSPLAN_APPRAISAL_TARGET=127.0.0.1:$APPRAISAL_PORT CLASSPLAN_PRINCIPAL=sup-1 CLASSPLAN_ROLES=supervisor
  $CTL appraisal expected --entered=2022-05-01
  $CTL appraisal create --employee=emp-1 --class_code=2944 --entered=2021-03-15 \\
      --period_start=2025-01-01 --period_end=2025-12-31
  $CTL appraisal list
  $CTL appraisal due --employees=emp-2
  $CTL --eligibility_target=127.0.0.1:$ELIGIBILITY_PORT eligibility check --class=SPCP23 \\
      --applicant=examples/applicants/psychology-graduate.json
  $CTL --eligibility_target=127.0.0.1:$ELIGIBILITY_PORT eligibility qualify \\
      --applicant=examples/applicants/social-worker-bsw.json

Ctrl-C stops everything.
MSG
wait -n "${pids[@]}" || true
echo "classplan: a process exited unexpectedly; see $RUN_DIR/*.log" >&2
exit 1
