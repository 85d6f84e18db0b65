#!/usr/bin/env bash
# Set up a clinic's PostgreSQL server for Myeloma Desk (roles, database, lock-down).
#   sudo -u postgres bash setup-site.sh [DBNAME]        (default database name: myeloma)
# Any libpq variables (PGHOST, PGPORT, PGSERVICE) choose the server; the password, if one is
# needed, comes from ~/.pgpass or a prompt, never from the command line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dbname="${1:-myeloma}"
exec psql -X -q -v ON_ERROR_STOP=1 -v dbname="$dbname" -f "$here/setup-site.sql" postgres
