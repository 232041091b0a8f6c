#!/usr/bin/env bash
# The gateway against nginx's grpc_pass, proxying the same backend (tests/e2e/test_backend,
# which answers at once, so the figures are the proxies' own cost). Two methods:
#   unary   classplan.catalog.v1.CatalogService/GetJurisdiction, a typed unary method (the
#           backend's reflection says so, and the gateway takes its unary path); every
#           classplan RPC is unary
#   stream  classplan.test.v1.TestService/Echo, a raw method the gateway knows nothing about,
#           so it is proxied as a stream (the path of streaming RPCs) The gateway runs with
# authentication (API key, cached after the first verification), authorization (the policy
# file) and rate limiting (Redis-leased token bucket, limit far above the load) on, and its
# access log written to a file; GetJurisdiction is marked idempotent (retried on UNAVAILABLE)
# as in deploy/local/gateway.textproto. nginx (worker_processes auto, keepalive upstream)
# writes its access log to a file too, buffered as the gateway's is. Results:
# docs/performance.md.
#
#   bash bench/gateway_vs_nginx.sh [seconds per run, default 3]
#   GATEWAY_BIN=/other/gateway_server bash bench/gateway_vs_nginx.sh   # another build (A/B)
#
# Needs nginx (Debian package nginx; installed here when missing and run as root). Uses ports
# 54100-54199 (BENCH_PORT_BASE) and a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SECS=${1:-3}
BASE=${BENCH_PORT_BASE:-54100}
BACKEND=$((BASE + 1)) NGINX=$((BASE + 2)) GATEWAY=$((BASE + 3)) METRICS=$((BASE + 4)) REDIS=$((BASE + 5))
if ! command -v nginx >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "bench: install nginx first (apt-get install nginx)" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx
fi
cmake --build "$BUILD_DIR" --target grpc_load test_backend gateway_server gateway_keygen >/dev/null
DIR=$(mktemp -d /tmp/gateway_bench.XXXXXX)
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

redis-server --port "$REDIS" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" \
  --logfile "$DIR/redis.log" &
pids+=($!)
"$BUILD_DIR/tests/e2e/test_backend" --listen="127.0.0.1:$BACKEND" 2>"$DIR/backend.log" &
pids+=($!)
BACKEND_PID=$!

mkdir -p "$DIR/nginx"
cat >"$DIR/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 4096; }
http {
  # Like the gateway's: one line per call, buffered and written per 16 KiB or 100 ms.
  access_log $DIR/nginx/access.log combined buffer=16k flush=100ms;
  client_body_temp_path $DIR/nginx/body;
  proxy_temp_path $DIR/nginx/proxy;
  fastcgi_temp_path $DIR/nginx/fastcgi;
  uwsgi_temp_path $DIR/nginx/uwsgi;
  scgi_temp_path $DIR/nginx/scgi;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX http2;
    location / { grpc_pass grpc://backend; }
  }
}
CONF
nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" &
pids+=($!)
NGINX_PID=$!

KEY=$("$BUILD_DIR/services/gateway/gateway_keygen" --keys_file="$DIR/keys.textproto" \
  --principal=bench --roles=agency_system)
cat >"$DIR/policy.textproto" <<CONF
rule { method: "/classplan.test.v1.TestService/*" role: "agency_system" }
rule { method: "/classplan.catalog.v1.CatalogService/Get*" role: "agency_system" }
CONF
cat >"$DIR/gateway.textproto" <<CONF
listen: "127.0.0.1:$GATEWAY"
metrics_listen: "127.0.0.1:$METRICS"
keys_file: "keys.textproto"
policy_file: "policy.textproto"
redis: "127.0.0.1:$REDIS"
rate_limit { requests_per_second: 10000000 burst: 10000000 lease_batch: 100 }
${GATEWAY_EXTRA:-}
route { service: "classplan.test.v1.TestService" target: "ipv4:127.0.0.1:$BACKEND" }
route { service: "classplan.catalog.v1.CatalogService" target: "ipv4:127.0.0.1:$BACKEND"
        idempotent_method: "GetJurisdiction" }
CONF
"${GATEWAY_BIN:-$BUILD_DIR/services/gateway/gateway_server}" --config="$DIR/gateway.textproto" \
  2>"$DIR/gateway.log" &
pids+=($!)
GATEWAY_PID=$!
sleep 1.5

UNARY=/classplan.catalog.v1.CatalogService/GetJurisdiction
STREAM=/classplan.test.v1.TestService/Echo
# CPU time (user + system, in clock ticks) of processes and their children's threads: the
# nginx master and its workers, the backend, the gateway.
TICK_US=$((1000000 / $(getconf CLK_TCK)))
ticks() {
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    # Fields 14 and 15 (utime, stime), counted after the ")" that ends the command name.
    t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$t"
}
nginx_pids() { echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"; }
load() {  # method target concurrency proxy-pids [key]
  local payload=(--payload_bytes=64)
  [ "$1" = "$UNARY" ] && payload=(--payload_hex=0a06636f6c2d3031)  # GetJurisdictionRequest{id}
  local b0 p0 out
  b0=$(ticks "$BACKEND_PID")
  p0=$(ticks $4)
  out=$("$BUILD_DIR/bench/grpc_load" --method="$1" --target="127.0.0.1:$2" --concurrency="$3" \
    --duration="${SECS}s" --api_key="${5:-}" "${payload[@]}")
  local b1 p1 all cpu
  b1=$(ticks "$BACKEND_PID")
  p1=$(ticks $4)
  all=$(sed -n 's/.*calls_all=\([0-9]*\).*/\1/p' <<<"$out")
  cpu=$(sed -n 's/.*cpu_us=\([0-9]*\).*/\1/p' <<<"$out")
  # CPU per call, every process on the path (µs; ticks are 10 ms, so a few seconds of load
  # resolve well under a microsecond a call).
  local proxy=-
  [ -n "$4" ] && proxy=$(((p1 - p0) * TICK_US / all))
  echo "${out% calls_all=*} cpu_us_per_call: client=$((cpu / all)) backend=$(((b1 - b0) * TICK_US / all)) proxy=$proxy"
}
printf '%-8s %-20s %-10s %s\n' "method" "path" "in flight" "result"
for m in unary stream; do
  method=$UNARY
  [ "$m" = stream ] && method=$STREAM
  for c in 1 32; do
    printf '%-8s %-20s %-10s %s\n' "$m" "direct (no proxy)" "$c" "$(load "$method" "$BACKEND" "$c" "")"
    printf '%-8s %-20s %-10s %s\n' "$m" "nginx grpc_pass" "$c" "$(load "$method" "$NGINX" "$c" "$(nginx_pids)")"
    printf '%-8s %-20s %-10s %s\n' "$m" "classplan gateway" "$c" \
      "$(load "$method" "$GATEWAY" "$c" "$GATEWAY_PID" "$KEY")"
  done
done
grep -c '"msg":"access"' "$DIR/gateway.log" | sed 's/^/gateway access-log lines: /'
wc -l <"$DIR/nginx/access.log" | sed 's/^/nginx access-log lines: /'
