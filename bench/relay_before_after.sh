#!/bin/sh
# Issue 14, fan-out: the same benchmark (bench/relay_fanout.py) on the previous code and on this
# one, one after the other, against Postfix on loopback (bench/RELAY.md says how it is set up) and
# against the Python sinks. Appends to bench/RELAY.md.
#
#   sh bench/relay_before_after.sh BEFORE_DIR [SUBSCRIPTIONS]
#
# BEFORE_DIR: a checkout of the previous code, e.g. `git archive COMMIT | tar -x -C /tmp/before`.
# Needs PostgreSQL on 127.0.0.1:5432 (database h_perf_fanout, made anew for each run) and Postfix
# listening on 127.0.0.1:8553 (discard at the door) and 127.0.0.1:8551 (queue, then discard).
set -e
BEFORE=$1
N=${2:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY="$ROOT/.venv/bin/python"
DB=postgres://postgres@127.0.0.1:5432/h_perf_fanout
MTA_PID=$(tr -d ' ' < /var/spool/postfix/pid/master.pid)
fresh() { psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS h_perf_fanout" -c "CREATE DATABASE h_perf_fanout" >/dev/null 2>&1; }
run() {  # CODE LABEL ARGS...
  code=$1; label=$2; shift 2
  fresh
  "$PY" "$ROOT/bench/relay_fanout.py" --code "$code" --database-url "$DB" --label "$label" "$@" | sed -n 1p
}
postfix() { echo "--smtp 127.0.0.1:$1 --mta-log /var/log/postfix-perf.log --mta-pid $MTA_PID"; }
run "$BEFORE" "before" --subscriptions "$N" $(postfix 8553)
run "$ROOT" "after, 16 connections" --subscriptions "$N" --connections 16 $(postfix 8553)
run "$BEFORE" "before" --subscriptions "$N" --sink-port 8557
run "$ROOT" "after, 16 connections" --subscriptions "$N" --connections 16 --sink-port 8558
run "$ROOT" "after, 16 connections, queued then discarded" --subscriptions "$N" --connections 16 $(postfix 8551)
run "$BEFORE" "before" --channel push --subscriptions "$N" --sink-port 8559
run "$ROOT" "after, 16 connections" --channel push --subscriptions "$N" --connections 16 --sink-port 8561
