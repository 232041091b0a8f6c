#!/usr/bin/env bash
# Checks the deployment files (docs/deploy.md, "What CI checks"), in a few seconds:
#   1. renders deploy/kubernetes/overlays/{dev,prod} with `kubectl kustomize` and checks each
#      (scripts/check-deploy.py render): probes, requests and limits, the restricted security
#      context, Service and budget selectors, ConfigMaps in the overlay and Secrets listed in
#      its required-secrets.yaml, no pinning podAffinity, topology spread, PodDisruptionBudgets
#      and autoscalers, images set by kustomize `images:` only, default-deny NetworkPolicies
#      with only the allowed paths;
#   2. checks deploy/compose/compose.yaml structurally (images, flags against the manifests',
#      depends_on, healthchecks, replicas, one published port, the gateway's routes);
#   3. runs the checker's self-test: broken copies must each be reported;
#   4. checks deploy/observability/: the alerting rules with `promtool check rules`, and every
#      query of the Grafana dashboard as a recording rule (so each parses as PromQL). Without
#      promtool (Debian package prometheus) this step fails under CI=true, else is skipped.
# No cluster and no Docker engine are used: nothing is applied or started.
#
#   bash scripts/check-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the checkout
command -v kubectl >/dev/null || { echo "check-deploy: kubectl not found" >&2; exit 1; }
python3 -c 'import yaml' 2>/dev/null ||
  { echo "check-deploy: python3-yaml not installed (scripts/install-deps.sh)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for overlay in dev prod; do
  dir=deploy/kubernetes/overlays/$overlay
  if ! kubectl kustomize "$dir" >"$out/$overlay.yaml" 2>"$out/$overlay.err"; then
    echo "check-deploy: kubectl kustomize $dir failed:" >&2
    cat "$out/$overlay.err" >&2
    status=1
    continue
  fi
  python3 scripts/check-deploy.py render "$dir" "$out/$overlay.yaml" | sed "s|^|$overlay: |" ||
    status=1
done
if [ -s "$out/dev.yaml" ]; then
  python3 scripts/check-deploy.py compose deploy/compose/compose.yaml "$out/dev.yaml" || status=1
  python3 scripts/check-deploy.py self-test deploy/kubernetes/overlays/dev "$out/dev.yaml" \
    deploy/compose/compose.yaml || status=1
fi
if command -v promtool >/dev/null; then
  promtool check rules deploy/observability/alerts.yaml >"$out/rules.out" 2>&1 ||
    { cat "$out/rules.out" >&2; status=1; }
  # The dashboard's queries, with Grafana's variables given values, as recording rules.
  python3 - deploy/observability/classplan-dashboard.json >"$out/dashboard-rules.yaml" <<'PY' ||
import json, sys
exprs = []
def walk(panels):
    for p in panels:
        exprs.extend(t["expr"] for t in p.get("targets", []) if t.get("expr"))
        walk(p.get("panels", []))
walk(json.load(open(sys.argv[1], encoding="utf-8"))["panels"])
if not exprs:
    sys.exit("dashboard: no queries")
print("groups:\n  - name: dashboard\n    rules:")
for i, e in enumerate(exprs):
    e = e.replace("$__rate_interval", "5m").replace("$job", ".*")
    print(f"      - record: dashboard:query{i}\n        expr: {json.dumps(e)}")
PY
    status=1
  promtool check rules "$out/dashboard-rules.yaml" >"$out/dash.out" 2>&1 ||
    { echo "check-deploy: a dashboard query does not parse:" >&2; cat "$out/dash.out" >&2; status=1; }
elif [ "${CI:-}" = "true" ]; then
  echo "check-deploy: promtool not found (Debian package prometheus, scripts/install-deps.sh)" >&2
  status=1
else
  echo "check-deploy: promtool not found; alerting rules and dashboard not checked" >&2
fi
if [ "$status" -eq 0 ]; then
  echo "check-deploy: overlays dev and prod, compose.yaml, the self-test, alerting rules and dashboard: OK"
fi
exit "$status"
