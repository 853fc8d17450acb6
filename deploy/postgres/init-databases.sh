#!/bin/bash
# Runs once, when the postgres container initialises an empty data volume
# (mounted into /docker-entrypoint-initdb.d by docker-compose.yml).
#
# One database per service, each owned by a role of the same name: a service can reach only its own
# database, as design.md asks ("never touches another service's database").
set -euo pipefail

password="${ITPM_DB_PASSWORD:-itpm}"

for db in planning review approval funds acceptance security gateway; do
    psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
        -v db="$db" -v password="$password" <<'SQL'
CREATE ROLE :"db" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"db";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
done
