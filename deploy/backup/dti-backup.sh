#!/bin/sh
# Nightly backup with rotation: one `python -m data backup` file per run, the newest
# DTI_BACKUP_KEEP kept. Run by systemd (dti-backup.timer) or cron, e.g.
#   30 2 * * * dti  . /etc/dti/dti.env; /opt/dti/deploy/backup/dti-backup.sh
# Settings (environment): DTI_DB_URL (the store), DTI_BACKUP_DIR (default /var/backups/dti),
# DTI_BACKUP_KEEP (default 30), DTI_HOME (the checkout, default: two levels above here).
# Copy the backup folder off the machine too: a backup on the same disk is not a backup.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
home=${DTI_HOME:-$(cd "$here/../.." && pwd)}
dir=${DTI_BACKUP_DIR:-/var/backups/dti}
keep=${DTI_BACKUP_KEEP:-30}
case $keep in '' | *[!0-9]* | 0) echo "dti-backup: DTI_BACKUP_KEEP must be a positive number" >&2; exit 2 ;; esac

mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$dir/dti-$stamp.zip"
cd "$home"
"$home/.venv/bin/python" -m data backup --out "$out"

# Rotation: only files this script names (dti-YYYYmmddTHHMMSSZ.zip), newest first by name.
ls -1 "$dir" | grep -E '^dti-[0-9]{8}T[0-9]{6}Z\.zip$' | sort -r | tail -n +"$((keep + 1))" |
    while read -r old; do rm -f -- "$dir/$old"; done
