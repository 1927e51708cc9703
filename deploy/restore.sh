#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database, then the media folder.
#   deploy/restore.sh /var/backups/riverains/riverains-20261122T030000Z.dump [media.tar.gz]
# Stop web, workers and scheduler first.
set -euo pipefail
dump=${1:?usage: restore.sh DUMP [MEDIA_TAR]}
: "${DATABASE_URL:?DATABASE_URL must be set}"
pg_restore --no-owner --exit-on-error --dbname "$DATABASE_URL" "$dump"
if [ -n "${2:-}" ]; then
  mkdir -p "${MEDIA_ROOT:-/srv/riverains/media}"
  tar -C "${MEDIA_ROOT:-/srv/riverains/media}" -xzf "$2"
fi
echo "restored; now run: manage.py migrate && systemctl start riverains-web riverains-worker@1 riverains-relay@1 riverains-scheduler"
