#!/usr/bin/env bash
# Back up the shop: the database of DATABASE_URL (pg_dump, custom format) and the uploads
# in MEDIA_ROOT (a gzipped tarball), both named by the UTC time, into BACKUP_DIR.
#
#   DATABASE_URL=postgresql://… MEDIA_ROOT=/srv/taibao/media scripts/backup.sh
#
# BACKUP_DIR defaults to backups/ (git-ignored), MEDIA_ROOT to media/. Prints the two paths last
# ("database: …", "media: …"). PG_DUMP_SNAPSHOT dumps an exported snapshot (pg_export_snapshot()),
# as scripts/backup_restore_check.py does to count rows in exactly what was dumped.
# A dump is written under a temporary name and renamed when complete, so a file with the final
# name is always whole. Restore with scripts/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg_client.sh
pg_client_check pg_dump

umask 077  # the dump holds password hashes and encrypted personal data
BACKUP_DIR=${BACKUP_DIR:-backups}
MEDIA_ROOT=${MEDIA_ROOT:-media}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
database_file="$BACKUP_DIR/taibao-$stamp.dump"
media_file="$BACKUP_DIR/media-$stamp.tar.gz"
mkdir -p "$BACKUP_DIR"
trap 'rm -f "$database_file.partial" "$media_file.partial"' EXIT

snapshot=()
if [ -n "${PG_DUMP_SNAPSHOT:-}" ]; then snapshot=(--snapshot "$PG_DUMP_SNAPSHOT"); fi
pg_dump --dbname "$DATABASE_URL" --format custom --compress 6 "${snapshot[@]}" \
    --file "$database_file.partial"
mv "$database_file.partial" "$database_file"

if [ -d "$MEDIA_ROOT" ]; then
    tar -czf "$media_file.partial" -C "$MEDIA_ROOT" .
else
    echo "backup: no folder MEDIA_ROOT=$MEDIA_ROOT; the media tarball is empty" >&2
    tar -czf "$media_file.partial" -T /dev/null
fi
mv "$media_file.partial" "$media_file"

echo "database: $database_file"
echo "media: $media_file"
