#!/bin/sh
# The compose stack's PostgreSQL: on first start (an empty data volume) create the cluster with
# the superuser password from POSTGRES_PASSWORD, password logins over the network; then run
# the server in the foreground. Roles and databases per service are postgres-init's job
# (init.sh, the same script as the Kubernetes Job).
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "postgres: POSTGRES_PASSWORD is not set (cargo xtask compose up generates it in .env)" >&2
    exit 1
  fi
  pwfile="/var/lib/postgresql/.pwfile"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256
  rm -f "$pwfile"
  printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c jit=off
