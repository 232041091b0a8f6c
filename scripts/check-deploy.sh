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
#   3. runs the checker's self-test: broken copies must each be reported.
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
if [ "$status" -eq 0 ]; then
  echo "check-deploy: overlays dev and prod, compose.yaml and the self-test: OK"
fi
exit "$status"
