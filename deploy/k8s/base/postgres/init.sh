#!/bin/sh
# Every DSN has the form postgres://ROLE:PASSWORD@HOST:PORT/DATABASE[?...]; generated
# passwords are URL-safe (hex), so no percent-decoding is needed. Passwords reach psql
# through its environment, not its command line. Nothing but shell built-ins and psql: the
# compose stack's PostgreSQL image (deploy/postgres) has no coreutils.
#
# Used by the postgres-init Job (a ConfigMap generated from this file) and by the compose
# stack's postgres-init service.
set -eu
dir="${SECRETS_DIR:-/secrets/db}"
sql="${INIT_SQL:-/init/service.sql}"
# Sets ROLE PASSWORD HOSTPORT DATABASE from the DSN in file $1.
parse() {
  read -r url < "$1"
  rest="${url#*://}"
  userinfo="${rest%%@*}"
  ROLE="${userinfo%%:*}"
  PASSWORD="${userinfo#*:}"
  hostdb="${rest#*@}"
  HOSTPORT="${hostdb%%/*}"
  DATABASE="${hostdb#*/}"
  DATABASE="${DATABASE%%\?*}"
}
parse "$dir/admin-url"
export PGUSER="$ROLE" PGPASSWORD="$PASSWORD" PGDATABASE="$DATABASE"
export PGHOST="${HOSTPORT%%:*}" PGPORT="${HOSTPORT##*:}"
for file in "$dir"/*-url; do
  name="${file##*/}"
  name="${name%-url}"
  [ "$name" = admin ] && continue
  parse "$file"
  echo "postgres-init: $name: role $ROLE, database $DATABASE"
  INIT_ROLE="$ROLE" INIT_PASSWORD="$PASSWORD" INIT_DATABASE="$DATABASE" \
    psql -X -q -v ON_ERROR_STOP=1 -f "$sql"
done
echo "postgres-init: done"
