#!/bin/sh
# Runs once, when the data directory is created (docker-entrypoint-initdb.d), as the superuser.
# The extensions need a superuser; paperchat itself connects as an ordinary role that may
# create its own schema in the database (its migrations do) and nothing more.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$PAPERCHAT_DB_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pg_textsearch;
CREATE ROLE paperchat LOGIN PASSWORD :'app_password';
GRANT CONNECT, CREATE ON DATABASE :"db" TO paperchat;
SQL
