#!/usr/bin/env bash
# Runs classplan on this machine in the foreground: a private Redis (loopback only, files under
# .run/ in the checkout), every service that is built, each as two replicas sharing its
# database (an embedded SQLite file, or with CLASSPLAN_STORE=postgres a private PostgreSQL in
# the run dir) and Redis, and the API gateway in front of them. Every process is supervised
# (deploy/local/supervise.sh): one that dies is logged and restarted with backoff while the
# others keep serving. Only Ctrl-C (or SIGTERM) to this script stops the suite, and then
# everything it started; a second start reuses the databases and the demo API keys.
#
# Settings (environment):
#   BUILD_DIR                    build tree with the binaries (default: build)
#   CLASSPLAN_RUN_DIR            where Redis, the databases and the keys live (default: .run)
#   CLASSPLAN_REPLICAS           replicas of every service (default: 2), on consecutive ports
#   CLASSPLAN_CATALOG_REPLICAS   ... of the catalog only (default: CLASSPLAN_REPLICAS)
#   CLASSPLAN_REDIS_PORT         private Redis port (default: 6380)
#   CLASSPLAN_GATEWAY_PORT       the gateway, the suite's one public endpoint (default: 50050)
#   CLASSPLAN_METRICS_PORT       the gateway's Prometheus endpoint (default: 50090)
#   CLASSPLAN_CATALOG_PORT       first catalog replica (default: 50051)
#   CLASSPLAN_PAYBAND_PORT       first pay-band replica (default: 50061); it asks the catalog
#   CLASSPLAN_APPRAISAL_PORT     first appraisal replica (default: 50071), when built
#   CLASSPLAN_ELIGIBILITY_PORT   first eligibility replica (default: 50081), when built
#   CLASSPLAN_<SERVICE>_PORTS    every replica's port of that service, comma-separated, one
#                                replica per port (CATALOG, PAYBAND, APPRAISAL, ELIGIBILITY);
#                                when set, it replaces the first port and the replica count,
#                                so the ports need not be consecutive (tests pass ports the
#                                kernel chose)
#   CLASSPLAN_<SERVICE>_METRICS_PORTS  each replica's Prometheus endpoint (GET /metrics), one
#                                per port of CLASSPLAN_<SERVICE>_PORTS; default: the replica's
#                                port + 1000 (51051, 51052, ...), or, when the service's PORTS
#                                are given, a port the kernel picks (in the replica's log)
#   CLASSPLAN_STORE              sqlite (default): catalog, payband, appraisal and
#                                eligibility (its rulings) each on a SQLite file in the run
#                                dir; postgres: on a private PostgreSQL 15 in the run dir (deploy/local/postgres.sh), one
#                                database each, the URL in a 0600 file (--db_url_file)
#   CLASSPLAN_POSTGRES_PORT      its port on 127.0.0.1 (default: the first free from 55432)
#   CLASSPLAN_RESTART_BACKOFF_MIN / _MAX / _RESET  restart backoff of a process that died,
#                                in seconds (default 1, doubling to 30, reset after 60 up)
#   CLASSPLAN_MTLS               1 (default): mutual TLS between the gateway and the services
#                                and from the services to the catalog, with a CA and one
#                                certificate per service made in the run dir; 0: plaintext
set -euo pipefail
# Everything this run creates (databases, keys, the Redis password, logs) is its user's only:
# files 0600, directories 0700.
umask 077
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
RUN_DIR=${CLASSPLAN_RUN_DIR:-$ROOT/.run}
REDIS_PORT=${CLASSPLAN_REDIS_PORT:-6380}
REPLICAS_ALL=${CLASSPLAN_REPLICAS:-2}
CATALOG_REPLICAS=${CLASSPLAN_CATALOG_REPLICAS:-$REPLICAS_ALL}
GATEWAY_PORT=${CLASSPLAN_GATEWAY_PORT:-50050}
METRICS_PORT=${CLASSPLAN_METRICS_PORT:-50090}
CATALOG_PORT=${CLASSPLAN_CATALOG_PORT:-50051}
PAYBAND_PORT=${CLASSPLAN_PAYBAND_PORT:-50061}
APPRAISAL_PORT=${CLASSPLAN_APPRAISAL_PORT:-50071}
ELIGIBILITY_PORT=${CLASSPLAN_ELIGIBILITY_PORT:-50081}
# consecutive FIRST COUNT: "FIRST,FIRST+1,..." (COUNT ports), each replica's port by default.
consecutive() {
  local ports=() i
  for ((i = 0; i < $2; i++)); do ports+=($(($1 + i))); done
  (IFS=,; echo "${ports[*]}")
}
CATALOG_PORTS=${CLASSPLAN_CATALOG_PORTS:-$(consecutive "$CATALOG_PORT" "$CATALOG_REPLICAS")}
PAYBAND_PORTS=${CLASSPLAN_PAYBAND_PORTS:-$(consecutive "$PAYBAND_PORT" "$REPLICAS_ALL")}
APPRAISAL_PORTS=${CLASSPLAN_APPRAISAL_PORTS:-$(consecutive "$APPRAISAL_PORT" "$REPLICAS_ALL")}
ELIGIBILITY_PORTS=${CLASSPLAN_ELIGIBILITY_PORTS:-$(consecutive "$ELIGIBILITY_PORT" "$REPLICAS_ALL")}
STORE=${CLASSPLAN_STORE:-sqlite}
case "$STORE" in
  sqlite | postgres) ;;
  *) echo "classplan: CLASSPLAN_STORE must be sqlite or postgres, not '$STORE'" >&2; exit 2 ;;
esac
# The other services balance over every catalog replica (round_robin, common/catalog_client).
CATALOG_TARGET="ipv4:127.0.0.1:${CATALOG_PORTS//,/,127.0.0.1:}"
PID_DIR="$RUN_DIR/pids"
mkdir -p "$RUN_DIR/redis" "$RUN_DIR/gateway" "$PID_DIR"
# A run directory made by an older version (or by hand) is narrowed too.
chmod 700 "$RUN_DIR" "$RUN_DIR/redis" "$RUN_DIR/gateway" "$PID_DIR"
random_hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# shellcheck source=deploy/local/supervise.sh
. "$ROOT/deploy/local/supervise.sh"

# The identity key ring: the gateway signs every backend call's identity with it and every
# service verifies with it (docs/security.md). Made on the first start (0600 in a 0700
# directory), reused after; to rotate, see "Keys and rotation" there.
mkdir -p "$RUN_DIR/identity"
chmod 700 "$RUN_DIR/identity"
IDENTITY_KEY_FILE="$RUN_DIR/identity/identity.key"
if [ ! -s "$IDENTITY_KEY_FILE" ]; then
  (umask 077 && echo "k$(date -u +%Y%m%d) $(openssl rand -base64 32)" >"$IDENTITY_KEY_FILE.new" &&
    mv "$IDENTITY_KEY_FILE.new" "$IDENTITY_KEY_FILE")
fi

# Mutual TLS inside the suite (docs/security.md, "Mutual TLS"): a CA made on the first start
# (its key stays in tls/ca/), one certificate per service, one for the gateway's calls and one
# for an operator's classplanctl, each for the names the suite dials (localhost, 127.0.0.1).
# Reused after (deploy/mtls-certs.sh renews what expires soon); deleting tls/ starts a new CA.
MTLS=${CLASSPLAN_MTLS:-1}
TLS_DIR="$RUN_DIR/tls"
if [ "$MTLS" != 0 ]; then
  command -v openssl >/dev/null || {
    echo "classplan: mutual TLS needs openssl (scripts/install-deps.sh); or set CLASSPLAN_MTLS=0" >&2
    exit 1
  }
  bash "$ROOT/deploy/mtls-certs.sh" "$TLS_DIR" "DNS:localhost,IP:127.0.0.1" \
    catalog payband appraisal eligibility gateway operator
fi
# mtls_flags NAME: the --mtls_* flags of that process (empty values: plaintext), into MTLS_ARGS.
mtls_flags() {
  if [ "$MTLS" != 0 ]; then
    MTLS_ARGS=(--mtls_cert_file="$TLS_DIR/$1.pem" --mtls_key_file="$TLS_DIR/$1.key"
      --mtls_ca_file="$TLS_DIR/ca.pem")
  else
    MTLS_ARGS=(--mtls_cert_file= --mtls_key_file= --mtls_ca_file=)
  fi
}
# How classplanctl reaches a service directly: with the operator's certificate under mTLS.
CTL_DIRECT=()
if [ "$MTLS" != 0 ]; then
  CTL_DIRECT=(--tls_ca="$TLS_DIR/ca.pem" --tls_cert="$TLS_DIR/operator.pem"
    --tls_key="$TLS_DIR/operator.key")
fi

# The supervisors (supervise.sh), in start order.
pids=()
stop() {
  # A second Ctrl-C (or SIGTERM) while stopping must not cut the stop short.
  trap '' INT TERM HUP
  trap - EXIT
  echo
  echo "classplan: stopping..."
  # The gateway first (it drains its calls), then the services, PostgreSQL and Redis last.
  # Each supervisor stops its process and waits for it.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  echo "classplan: stopped"
}
trap "stop; exit 0" INT TERM HUP
trap stop EXIT

# Redis requires a password: an ACL user "classplan" limited to classplan's keys and channels
# and to no dangerous command, the default user off. The password (and the key that seals
# cached values) are made on the first start, kept owner-only in the run dir and reused; no
# process gets them on its command line (ps shows those): Redis reads them from its config
# file, the services from --redis_password_file / --cache_key_file.
REDIS_PASSWORD_FILE="$RUN_DIR/redis/password"
CACHE_KEY_FILE="$RUN_DIR/redis/cache-key"
if [ ! -s "$REDIS_PASSWORD_FILE" ]; then
  echo "classplan $(random_hex)" >"$REDIS_PASSWORD_FILE"
fi
if [ ! -s "$CACHE_KEY_FILE" ]; then
  random_hex >"$CACHE_KEY_FILE"
  echo >>"$CACHE_KEY_FILE"
fi
chmod 600 "$REDIS_PASSWORD_FILE" "$CACHE_KEY_FILE"
read -r REDIS_USER REDIS_PASSWORD <"$REDIS_PASSWORD_FILE"
cat >"$RUN_DIR/redis/redis.conf" <<CONF
user default off
user $REDIS_USER on >$REDIS_PASSWORD ~classplan:* &classplan:* +@all -@dangerous
CONF
supervise redis "$RUN_DIR/redis/redis.out" TERM \
  redis-server "$RUN_DIR/redis/redis.conf" --port "$REDIS_PORT" --bind 127.0.0.1 \
  --protected-mode yes --save "" --appendonly no --dir "$RUN_DIR/redis" \
  --logfile "$RUN_DIR/redis/redis.log"
redis_ping() {  # redis-cli takes the password from the environment, not its command line
  REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --user "$REDIS_USER" -p "$REDIS_PORT" ping 2>/dev/null |
    grep -q PONG
}
for _ in $(seq 50); do
  redis_ping && break
  sleep 0.1
done
redis_ping || { echo "classplan: redis did not start" >&2; exit 1; }
unset REDIS_PASSWORD
REDIS_SECRETS=(--redis_password_file="$REDIS_PASSWORD_FILE" --cache_key_file="$CACHE_KEY_FILE")

if [ "$STORE" = postgres ]; then
  # shellcheck source=deploy/local/postgres.sh
  . "$ROOT/deploy/local/postgres.sh"
  start_postgres
fi
# db_flags NAME BINARY: the database flags of service NAME into DB_ARGS: its SQLite file, or
# with CLASSPLAN_STORE=postgres its database's URL file. A build whose server has no
# --db_url_file yet keeps that service on SQLite, saying so (STORE_<name> for the banner).
db_flags() {
  DB_ARGS=(--db="$RUN_DIR/$1.db")
  printf -v "STORE_$1" 'SQLite %s' "$RUN_DIR/$1.db"
  [ "$STORE" = postgres ] && [ -x "$2" ] || return 0  # not built: start_replicas says so
  local help
  help=$("$2" --helpfull 2>&1 || true)
  if [[ "$help" != *-db_url_file* ]]; then
    echo "classplan: $(basename "$2") has no --db_url_file in this build; $1 stays on SQLite"
    return 0
  fi
  postgres_database "$1"
  DB_ARGS+=(--db_url_file="$DB_DIR/$1.url")
  printf -v "STORE_$1" 'PostgreSQL database classplan_%s' "$1"
}

CTL="$BUILD_DIR/tools/classplanctl/classplanctl"
wait_healthy() {  # port name [classplanctl flags...]
  local port=$1 name=$2
  shift 2
  for _ in $(seq 150); do
    "$CTL" --target="127.0.0.1:$port" --timeout=1s "$@" health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "classplan: $name on port $port did not become healthy; see $RUN_DIR/$name-$port.log" >&2
  tail -5 "$RUN_DIR/$name-$port.log" >&2 || true
  return 1
}

# start_replicas NAME BINARY PORTS ARGS...: one replica per port in the comma-separated PORTS,
# one after another (the first creates and loads the database; the others start once it
# serves). Sets TARGET_<NAME> to the gateway route target ("ipv4:host:port,...") and
# STARTED_<NAME>=1; a binary that is not built is skipped with a message.
start_replicas() {
  local name=$1 binary=$2 ports port
  IFS=, read -ra ports <<<"$3"
  shift 3
  if [ ! -x "$binary" ]; then
    echo "classplan: $name is not built ($binary); skipped (the gateway answers UNAVAILABLE)"
    return 0
  fi
  local addrs=() metrics_ports=() upper given_ports given_metrics i=0
  upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
  given_ports=$(printenv "CLASSPLAN_${upper}_PORTS" || true)
  given_metrics=$(printenv "CLASSPLAN_${upper}_METRICS_PORTS" || true)
  IFS=, read -ra metrics_ports <<<"$given_metrics"
  mtls_flags "$name"
  for port in "${ports[@]}"; do
    local metrics_port=${metrics_ports[$i]:-}
    if [ -z "$metrics_port" ]; then
      if [ -n "$given_ports" ]; then metrics_port=0; else metrics_port=$((port + 1000)); fi
    fi
    i=$((i + 1))
    # --listen last: it wins over the flag file's.
    supervise "$name-$port" "$RUN_DIR/$name-$port.log" TERM \
      "$binary" "$@" --listen="127.0.0.1:$port" --identity_key_file="$IDENTITY_KEY_FILE" \
      --metrics_listen="127.0.0.1:$metrics_port" "${MTLS_ARGS[@]}"
    wait_healthy "$port" "$name" ${CTL_DIRECT[@]+"${CTL_DIRECT[@]}"} || exit 1
    addrs+=("127.0.0.1:$port")
  done
  local joined
  joined=$(IFS=,; echo "${addrs[*]}")
  printf -v "TARGET_${name}" 'ipv4:%s' "$joined"
  printf -v "STARTED_${name}" '1'
}

# Each service's settings are in its one file, deploy/local/<name>.flags (every setting,
# documented); the run's ports and paths (the CLASSPLAN_* settings above) follow it and win.
db_flags catalog "$BUILD_DIR/services/catalog/catalog_server"
start_replicas catalog "$BUILD_DIR/services/catalog/catalog_server" "$CATALOG_PORTS" \
  --flagfile="$ROOT/deploy/local/catalog.flags" "${DB_ARGS[@]}" \
  --data_dir="$ROOT/data/catalog" --redis="127.0.0.1:$REDIS_PORT" "${REDIS_SECRETS[@]}"
db_flags payband "$BUILD_DIR/services/payband/payband_server"
start_replicas payband "$BUILD_DIR/services/payband/payband_server" "$PAYBAND_PORTS" \
  --flagfile="$ROOT/deploy/local/payband.flags" "${DB_ARGS[@]}" \
  --data_dir="$ROOT/data/payband" --redis="127.0.0.1:$REDIS_PORT" "${REDIS_SECRETS[@]}" \
  --catalog="$CATALOG_TARGET"
# Appraisal: its own database (personnel records, fsync on every write), no Redis.
db_flags appraisal "$BUILD_DIR/services/appraisal/appraisal_server"
start_replicas appraisal "$BUILD_DIR/services/appraisal/appraisal_server" "$APPRAISAL_PORTS" \
  --flagfile="$ROOT/deploy/local/appraisal.flags" \
  "${DB_ARGS[@]}" --data_dir="$ROOT/data/appraisal"
# Eligibility: rules from the catalog's classes, cached in Redis; its database holds rulings.
db_flags eligibility "$BUILD_DIR/services/eligibility/eligibility_server"
start_replicas eligibility "$BUILD_DIR/services/eligibility/eligibility_server" \
  "$ELIGIBILITY_PORTS" --flagfile="$ROOT/deploy/local/eligibility.flags" "${DB_ARGS[@]}" \
  --redis="127.0.0.1:$REDIS_PORT" "${REDIS_SECRETS[@]}" --catalog="$CATALOG_TARGET"

# The gateway's files: the shipped config with this run's ports, the shipped policy, and the
# demo keys (made on first start, reused after; only their hashes are in the key file).
GW="$RUN_DIR/gateway"
sed -e "s|127.0.0.1:50050|127.0.0.1:$GATEWAY_PORT|; s|127.0.0.1:50090|127.0.0.1:$METRICS_PORT|" \
    -e "s|127.0.0.1:6380|127.0.0.1:$REDIS_PORT|" \
    -e "s|\"ipv4:127.0.0.1:50051,127.0.0.1:50052\"|\"${TARGET_catalog:-ipv4:127.0.0.1:${CATALOG_PORTS%%,*}}\"|" \
    -e "s|\"ipv4:127.0.0.1:50061,127.0.0.1:50062\"|\"${TARGET_payband:-ipv4:127.0.0.1:${PAYBAND_PORTS%%,*}}\"|" \
    -e "s|\"ipv4:127.0.0.1:50071,127.0.0.1:50072\"|\"${TARGET_appraisal:-ipv4:127.0.0.1:${APPRAISAL_PORTS%%,*}}\"|" \
    -e "s|\"ipv4:127.0.0.1:50081,127.0.0.1:50082\"|\"${TARGET_eligibility:-ipv4:127.0.0.1:${ELIGIBILITY_PORTS%%,*}}\"|" \
    "$ROOT/deploy/local/gateway.textproto" >"$GW/gateway.textproto"
cp "$ROOT/deploy/local/gateway-policy.textproto" "$GW/gateway-policy.textproto"
ROLES=(agency_system hr_analyst hr_admin supervisor employee)
if [ ! -s "$GW/demo-keys.env" ]; then
  rm -f "$GW/gateway-keys.textproto"
  for role in "${ROLES[@]}"; do
    key=$("$BUILD_DIR/services/gateway/gateway_keygen" --keys_file="$GW/gateway-keys.textproto" \
      --principal="demo-${role//_/-}" --roles="$role" --comment="demo key made by run.sh")
    echo "CLASSPLAN_DEMO_KEY_${role^^}=$key" >>"$GW/demo-keys.env"
  done
fi
chmod 600 "$GW/demo-keys.env" "$GW/gateway-keys.textproto"

mtls_flags gateway
supervise "gateway-$GATEWAY_PORT" "$RUN_DIR/gateway-$GATEWAY_PORT.log" TERM \
  "$BUILD_DIR/services/gateway/gateway_server" --config="$GW/gateway.textproto" \
  --redis_password_file="$REDIS_PASSWORD_FILE" --identity_key_file="$IDENTITY_KEY_FILE" \
  "${MTLS_ARGS[@]}"
wait_healthy "$GATEWAY_PORT" gateway || exit 1

postgres_line() {
  if [ "$STORE" = postgres ]; then
    echo "  postgres    127.0.0.1:$PG_PORT (private, data in $PG_DIR, URLs in $DB_DIR)"
  else
    echo "  databases   SQLite files in $RUN_DIR (CLASSPLAN_STORE=postgres: PostgreSQL)"
  fi
}

tls_line() {
  if [ "$MTLS" != 0 ]; then
    echo "  mTLS CA     $TLS_DIR/ca.pem (gateway <-> services; CLASSPLAN_MTLS=0 turns it off)"
  else
    echo "  mTLS        off (CLASSPLAN_MTLS=0): the services listen in plaintext"
  fi
}

service_line() {  # name
  local started="STARTED_$1" target="TARGET_$1"
  if [ -n "${!started:-}" ]; then
    local store="STORE_$1"
    echo "  $1$(printf '%*s' $((12 - ${#1})) '')${!target#ipv4:} (behind the gateway)"
    [ -z "${!store:-}" ] || echo "              on ${!store}"
  else
    echo "  $1$(printf '%*s' $((12 - ${#1})) '')not built, skipped"
  fi
}

cat <<MSG

classplan is running. Its one endpoint is the gateway:

  gateway     127.0.0.1:$GATEWAY_PORT   (metrics: http://127.0.0.1:$METRICS_PORT/metrics)
$(service_line catalog)
$(service_line payband)
$(service_line appraisal)
$(service_line eligibility)
  redis       127.0.0.1:$REDIS_PORT (private, password in $REDIS_PASSWORD_FILE)
$(postgres_line)
  logs        $RUN_DIR/*.log
$(tls_line)

Demo API keys, one per role (agency_system, hr_analyst, hr_admin, supervisor, employee),
are in this file (owner-only, reused on the next start; the keys are not printed):
  demo keys   $GW/demo-keys.env

Try, in another terminal (classplanctl talks to the gateway by default):
  . $GW/demo-keys.env
  export CLASSPLAN_API_KEY=\$CLASSPLAN_DEMO_KEY_HR_ANALYST
  $CTL class list
  $CTL class get SPCP20
  $CTL class search "out-of-home placement"
  $CTL notice get 1355
  $CTL pay band 806-A --jurisdiction=denver-csa
  $CTL pay class CA2459
  $CTL pay place 50000 --band=806-A --jurisdiction=denver-csa
  $CTL pay convert 25.50/hour --to=annual
  # appraisals: HR records who reports to whom (a supervisor appraises only their staff),
  # then the gateway sets who is calling from the key (here the supervisor's)
  $CTL --api_key=\$CLASSPLAN_DEMO_KEY_HR_ADMIN appraisal assignment add --employee=emp-1 \\
      --supervisor=demo-supervisor --from=2025-01-01
  export CLASSPLAN_API_KEY=\$CLASSPLAN_DEMO_KEY_SUPERVISOR CLASSPLAN_PRINCIPAL=demo-supervisor
  $CTL appraisal expected --entered=2022-05-01
  $CTL appraisal create --employee=emp-1 --class_code=2944 --entered=2021-03-15 \\
      --period_start=2025-01-01 --period_end=2025-12-31
  $CTL appraisal list
  $CTL appraisal due --employees=emp-2
  # eligibility (an agency system's or HR analyst's key)
  export CLASSPLAN_API_KEY=\$CLASSPLAN_DEMO_KEY_HR_ANALYST
  $CTL eligibility check --class=SPCP23 --applicant=examples/applicants/psychology-graduate.json
  $CTL eligibility qualify --applicant=examples/applicants/social-worker-bsw.json

A process that dies is restarted (pids in $PID_DIR). Ctrl-C stops everything.
MSG
# The supervisors run until stop() ends them; a signal interrupts this wait and runs the trap.
while :; do
  wait -n "${pids[@]}" || true
  if ! kill -0 "${pids[@]}" 2>/dev/null; then
    echo "classplan: a supervisor ended unexpectedly; stopping" >&2
    exit 1
  fi
done
