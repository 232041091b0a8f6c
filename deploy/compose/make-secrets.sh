#!/usr/bin/env bash
# Makes deploy/compose/secrets/ for compose.yaml (docs/deploy.md, "One VM with compose"):
# the identity key ring, the Redis password and cache key, the PostgreSQL password and the
# three connection strings, and the mutual TLS certificates (deploy/mtls-certs.sh, for the
# compose service names). What exists is kept, so it can run again (the certificates are
# renewed when they expire within a week). Not made here: gateway-keys.textproto
# (gateway_keygen prints each API key once; see the docs).
#
# The containers read the files as uid 10001 (classplan) or 999 (redis, postgres) with the
# supplementary group 10001: every file is 0440 with group 10001, but the connection strings
# (they hold the database password, which only the classplan containers need) are 0400 owned
# by uid 10001, so the redis and postgres containers, in group 10001 too, cannot read them.
# (The servers would also accept them 0440 to their own group 10001, as in Kubernetes.) As
# root the script sets the owners; otherwise it prints the command to run.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
random_hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
make() {  # make FILE CONTENT: writes FILE once
  [ -s "secrets/$1" ] || printf '%s\n' "$2" >"secrets/$1"
}
make identity.key "k$(date -u +%Y%m%d) $(openssl rand -base64 32)"
make redis-password "classplan $(random_hex)"
make cache-key "$(random_hex)"
make postgres-password "$(random_hex)"
password=$(cat secrets/postgres-password)
for db in catalog payband appraisal eligibility; do
  # The compose network is the VM's own; sslmode=disable between containers on it.
  make "$db-db-url" "postgresql://classplan:$password@postgres:5432/$db?sslmode=disable"
done
# Made in tls/ (the CA's key stays there, outside what the containers mount); the CA
# certificate and each pair are copied into secrets/mtls/.
bash ../mtls-certs.sh tls 'DNS:{name}' catalog payband appraisal eligibility gateway
mkdir -p secrets/mtls
cp -f tls/*.pem tls/*.key secrets/mtls/
# Only what this user owns (a second run after the chown below leaves those files alone).
find secrets -user "$(id -u)" -type d -exec chmod 0750 {} +
find secrets -user "$(id -u)" -type f -exec chmod 0440 {} +
find secrets -user "$(id -u)" -name '*-db-url' -exec chmod 0400 {} +
if [ "$(id -u)" -eq 0 ]; then
  chgrp -R 10001 secrets
  chown 10001 secrets/*-db-url
else
  echo "make-secrets: now run: sudo chgrp -R 10001 $(pwd)/secrets &&" \
    "sudo chown 10001 $(pwd)/secrets/*-db-url" >&2
fi
echo "make-secrets: secrets/ ready; add secrets/gateway-keys.textproto (docs/deploy.md)"
