#!/bin/sh
# Run once by the official postgres image on an empty data directory
# (/docker-entrypoint-initdb.d/): one database per stateful service, owned by the image's
# POSTGRES_USER, so each service's migrations and tables stay apart. Used by the dev overlay
# (ConfigMap postgres-init) and by deploy/compose/compose.yaml.
set -eu
for db in catalog payband appraisal eligibility; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "CREATE DATABASE $db OWNER \"$POSTGRES_USER\""
done
