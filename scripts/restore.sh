#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL and MEDIA_ROOT.
#
#   createdb taibao_restored
#   DATABASE_URL=postgresql://…/taibao_restored MEDIA_ROOT=/srv/taibao/media \
#       scripts/restore.sh backups/taibao-<time>.dump [backups/media-<time>.tar.gz]
#
# The database must be empty (a new one) unless --clean is given, which drops the objects the
# backup holds before recreating them. All or nothing: one transaction, stopped at the first
# error. Owners and grants are not restored: the objects belong to DATABASE_URL's user.
# Media files are unpacked into MEDIA_ROOT (default media/), replacing files of the same name.
set -euo pipefail
cd "$(dirname "$0")/.."

clean=()
if [ "${1:-}" = "--clean" ]; then clean=(--clean --if-exists); shift; fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: scripts/restore.sh [--clean] DATABASE_DUMP [MEDIA_TARBALL]" >&2
    exit 2
fi
database_file=$1
media_file=${2:-}
[ -f "$database_file" ] || { echo "restore: no file $database_file" >&2; exit 2; }
[ -z "$media_file" ] || [ -f "$media_file" ] || { echo "restore: no file $media_file" >&2; exit 2; }

. scripts/pg_client.sh
pg_client_check pg_restore

if [ ${#clean[@]} -eq 0 ]; then
    tables=$(psql "$DATABASE_URL" -XAtc \
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'm', 'v', 'S') AND n.nspname = 'public'")
    if [ "$tables" -ne 0 ]; then
        echo "restore: the database is not empty ($tables relations in schema public);" \
            "restore into a new database, or pass --clean to replace what the backup holds" >&2
        exit 1
    fi
fi

pg_restore --dbname "$DATABASE_URL" --no-owner --no-acl --single-transaction --exit-on-error \
    "${clean[@]}" "$database_file"
echo "restore: database restored from $database_file"

if [ -n "$media_file" ]; then
    MEDIA_ROOT=${MEDIA_ROOT:-media}
    mkdir -p "$MEDIA_ROOT"
    tar -xzf "$media_file" -C "$MEDIA_ROOT"
    echo "restore: media unpacked into $MEDIA_ROOT"
fi
