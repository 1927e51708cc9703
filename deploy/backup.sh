#!/usr/bin/env bash
# Back up the database (custom-format dump) and the media folder (generated audio, uploads).
#   deploy/backup.sh /var/backups/riverains
# Run daily from cron or a systemd timer; keep 14 days.
set -euo pipefail
dest=${1:?usage: backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must be set (source /etc/riverains/riverains.env)}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
pg_dump --format=custom --no-owner --file "$dest/riverains-$stamp.dump" "$DATABASE_URL"
tar -C "${MEDIA_ROOT:-/srv/riverains/media}" -czf "$dest/riverains-media-$stamp.tar.gz" .
find "$dest" -name 'riverains-*' -mtime +14 -delete
echo "backup written: $dest/riverains-$stamp.dump and riverains-media-$stamp.tar.gz"
