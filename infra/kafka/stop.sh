#!/usr/bin/env bash
# Stop the broker that start.sh started (PID in $KAFKA_STATE_DIR/kafka.pid), and nothing else.
#   --purge  also delete the state dir (topics, offsets, cluster id).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${KAFKA_STATE_DIR:-$HERE/.state}"
PIDFILE="$STATE/kafka.pid"
PURGE=0
case "${1:-}" in
  --purge) PURGE=1 ;;
  "") ;;
  *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
esac

# True if $1 is still a java process running kafka.Kafka (guards against a reused PID).
is_our_broker() {
  local cmd
  cmd="$(tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline")" || return 1
  [[ "$(basename "$(readlink "/proc/$1/exe" 2>/dev/null)")" == java && "$cmd" == *" kafka.Kafka "* ]]
}

PID="$(cat "$PIDFILE" 2>/dev/null || true)"
if [[ -z "$PID" ]]; then
  echo "kafka: no pid file ($PIDFILE); no broker started by start.sh to stop"
elif ! is_our_broker "$PID"; then
  echo "kafka: pid $PID from $PIDFILE is not a running Kafka broker; removing stale pid file"
  rm -f "$PIDFILE"
else
  echo "kafka: stopping broker pid $PID ..."
  kill -TERM "$PID"
  for ((i = 0; i < 60; i++)); do   # a clean shutdown takes a few seconds
    is_our_broker "$PID" || break
    sleep 0.5
  done
  if is_our_broker "$PID"; then
    echo "kafka: still running after 30 s; sending SIGKILL" >&2
    kill -KILL "$PID"
    sleep 1
  fi
  rm -f "$PIDFILE"
  echo "kafka: stopped"
fi

if ((PURGE)); then
  rm -rf "$STATE"
  echo "kafka: deleted $STATE"
fi
